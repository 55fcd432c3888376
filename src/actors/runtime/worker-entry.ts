/** Runs inside an actor's worker thread: restore, report ready, then obey the host. */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { loadRegistry } from '../nodes/load.js';
import { actorLogger, createLogger } from '../telemetry/logger.js';
import { ActorRuntime } from './actor-runtime.js';
import type { ActorWorkerData, HostToWorker, WorkerToHost } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('worker-entry must run in a worker thread');
const data = workerData as ActorWorkerData;
const post = (m: WorkerToHost): void => port.postMessage(m);
const root = createLogger({ level: data.runtime.logLevel });
const log = actorLogger(root, {
  node: data.nodeId,
  actor: data.actorId,
  partition: data.partition,
  thread: threadId,
});

const registry = await loadRegistry(data.plugins);
const type = registry.get(data.nodeType);
if (type === undefined) throw new Error(`unknown node type "${data.nodeType}"`);
const rt = await ActorRuntime.start(data, type, log, post);
post({ type: 'ready', checkpointPosition: rt.committedPosition, lastLsn: rt.position });

port.on('message', (m: HostToWorker) => {
  switch (m.type) {
    case 'connect-out':
      rt.connectOut(m.target, m.port);
      break;
    case 'connect-in':
      rt.connectIn(m.producer, m.port);
      break;
    case 'reconfigure':
      rt.reconfigure(m.outputs);
      break;
    case 'producers':
      rt.setProducers(m.producers);
      break;
    case 'stop-ingest':
      void rt.stopIngest();
      break;
    case 'drain':
      void rt.drain().then((o) => post({ type: 'drained', ...o }));
      break;
    case 'shutdown':
      void rt.shutdown().then(() => {
        post({ type: 'stopped', reason: 'shutdown' });
        setImmediate(() => process.exit(0));
      });
      break;
    default:
      log.warn({ message: m }, 'unexpected message from the host, ignored');
  }
});
await rt.run();
