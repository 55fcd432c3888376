/**
 * The worker thread of a streamed run's maker (`maker-thread.ts`): makes messages with a
 * `MessageMaker` as they are asked for and posts them in chunks, their requests packed into one
 * transferred buffer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MessageMaker, type StreamOptions } from './maker.js';
import { packChunk, type ChunkRequest } from './maker-chunk.js';

const maker = new MessageMaker(workerData as StreamOptions);
const port = parentPort;
if (port === null) throw new Error('maker-worker: expected to run in a worker thread');
port.on('message', (req: ChunkRequest) => {
  if ('finishSessions' in req) {
    maker.finishSessions();
    return;
  }
  const made = [];
  for (let i = 0; i < req.messages; i++) {
    const m = maker.make();
    if (m === undefined) break;
    made.push(m);
  }
  const chunk = packChunk(made, made.length < req.messages, maker.made);
  port.postMessage(chunk, [chunk.frames]);
});
