/**
 * A decode thread of the GTP' gateway (`decode-threads.ts`): answers each job with its CDRs' NARs.
 * Before the first job it runs `warmUpCdrs` sample CDRs through the same path, so the gateway's first
 * traffic after a start meets optimised code here too.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { encodeCdr } from '../../../../protocols/cdr/index.js';
import { sampleCdr } from '../../../../protocols/cdr/samples.js';
import { MsgpackWriter } from '../../../../protocols/nar/msgpack-writer.js';
import { answerJob, makeJob, ShapeNumbers, type DecodeJob } from './decode-job.js';

export interface DecodeWorkerData {
  readonly warmUpCdrs: number;
}

const port = parentPort;
if (port === null) throw new Error('decode-worker: expected to run in a worker thread');
const w = new MsgpackWriter(64 << 10);
const shapes = new ShapeNumbers();

const SAMPLES = 120;
const { warmUpCdrs } = workerData as DecodeWorkerData;
if (warmUpCdrs > 0) {
  const samples = Array.from({ length: SAMPLES }, (_, i) => encodeCdr(sampleCdr(i)));
  // Warm-up shapes are numbered by a table of their own: the gateway learns only the jobs' shapes.
  const warmShapes = new ShapeNumbers();
  for (let done = 0; done < warmUpCdrs; done += SAMPLES) answerJob(makeJob(-1, [samples]), w, warmShapes);
}

port.on('message', (job: DecodeJob) => {
  const done = answerJob(job, w, shapes);
  port.postMessage(done, [done.bytes, done.ends.buffer, done.shapes.buffer]);
});
