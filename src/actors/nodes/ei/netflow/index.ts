/**
 * `netflow-ei`: a NetFlow v5/v9 and IPFIX collector on UDP (2055 and 4739 by default). Datagrams are
 * logged as they come; the handler decodes them in log order with a checkpointed template cache, so
 * nothing accepted is lost and a restart decodes at once. See ingest.ts and handler.ts.
 */
import type { NodeType } from '../../registry.js';
import { replayDatagrams } from '../datagram/replay-datagrams.js';
import { replayPickup } from '../datagram/replay-spool.js';
import { NetflowEiHandler } from './handler.js';
import { NetflowIngest } from './ingest.js';
import { netflowEiSettings, type NetflowEiSettings } from './settings.js';

export { netflowEiSettings, type NetflowEiSettings } from './settings.js';

export const netflowEi: NodeType<NetflowEiSettings> = {
  name: 'netflow-ei',
  kind: 'EI',
  description:
    'NetFlow v5/v9 and IPFIX collector (UDP 2055/4739): templates kept in the checkpoint, data before its template held then quarantined, lost export packets counted per exporter; one NAR per flow',
  settings: netflowEiSettings,
  maxPartitions: 1,
  checkpoint: 'periodic',
  create: (s, env) => new NetflowEiHandler(s, env.actorDir),
  ingest: (s, env) => new NetflowIngest(s, replayPickup(env.actorDir)),
  replay: (_s, raws, target, details) => replayDatagrams(target.actorDir, raws, details),
};
