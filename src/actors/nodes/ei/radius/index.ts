/**
 * `radius-ei`: RADIUS accounting (RFC 2866) on UDP, port 1813 by default. Requests from the NASes in
 * the clients file become NARs; each is answered only once it is in the durable input log. See
 * ingest.ts (the network side, authenticators, retransmissions) and handler.ts (records).
 */
import { resolve } from 'node:path';
import type { NodeType } from '../../registry.js';
import { TableFile } from '../../ep/rules/table-file.js';
import { replayPickup } from '../datagram/replay-spool.js';
import { parseClients } from './clients.js';
import { RadiusEiHandler } from './handler.js';
import { RadiusIngest } from './ingest.js';
import { replayDatagrams } from '../datagram/replay-datagrams.js';
import { radiusEiSettings, type RadiusEiSettings } from './settings.js';

export { radiusEiSettings, type RadiusEiSettings } from './settings.js';

export const radiusEi: NodeType<RadiusEiSettings> = {
  name: 'radius-ei',
  kind: 'EI',
  description:
    'RADIUS accounting (RFC 2866, UDP 1813): NASes from a clients file; answers each Accounting-Request once it is durable; retransmissions answered again, never emitted twice',
  settings: radiusEiSettings,
  maxPartitions: 1,
  checkpoint: 'periodic',
  create: (_s, env) => new RadiusEiHandler(env.actorDir),
  ingest: (s, env) =>
    new RadiusIngest(s, new TableFile(s.clientsFile, parseClients), replayPickup(env.actorDir)),
  replay: (_s, raws, target, details) => replayDatagrams(target.actorDir, raws, details),
  resolveFiles: (s, configDir) => {
    const clientsFile = resolve(configDir, s.clientsFile);
    // Read now, so a mistake in the file is a config error naming its line.
    new TableFile(clientsFile, parseClients);
    return { ...s, clientsFile };
  },
};
