/**
 * `gtpp-ei`: a GTP' charging gateway (3GPP TS 32.295) on UDP and TCP, port 3386 by default. CDRs
 * (TS 32.298, BER) become NARs; each Data Record Transfer Request is answered only once it is in the
 * durable input log. See ingest.ts (the network side) and handler.ts (records, retransmissions,
 * possibly duplicated packets).
 */
import type { NodeType } from '../../registry.js';
import { GtppEiHandler } from './handler.js';
import { GtppIngest } from './ingest.js';
import { replayPickup, writeReplay } from '../datagram/replay-spool.js';
import { gtppEiSettings, type GtppEiSettings } from './settings.js';

export const gtppEi: NodeType<GtppEiSettings> = {
  name: 'gtpp-ei',
  kind: 'EI',
  description:
    "GTP' charging gateway (TS 32.295, UDP/TCP 3386): answers each Data Record Transfer Request once its CDRs are durable; decodes TS 32.298 CDRs into NARs",
  settings: gtppEiSettings,
  maxPartitions: 1,
  checkpoint: 'periodic',
  create: (s, env) => new GtppEiHandler(s, env.actorDir, env.log),
  ingest: (s, env) => new GtppIngest(s, replayPickup(env.actorDir)),
  replay: (_s, raws, target) => writeReplay(target.actorDir, raws),
};
