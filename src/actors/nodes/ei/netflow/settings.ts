/** Settings of the NetFlow/IPFIX collector (`netflow-ei`). */
import { z } from 'zod';
import { address, cidrOrAddress, port, receiveBufferBytes } from '../datagram/settings.js';

const HOUR_MS = 3_600_000;

export const netflowEiSettings = z.strictObject({
  listen: z
    .strictObject({
      address: address.default('0.0.0.0'),
      /** NetFlow v5 and v9 (RFC 3954); IPFIX is taken here too. */
      netflowPort: port(2055),
      /** IPFIX (RFC 7011); NetFlow is taken here too. */
      ipfixPort: port(4739),
      netflow: z.boolean().default(true),
      ipfix: z.boolean().default(true),
    })
    .default(() => ({ address: '0.0.0.0', netflowPort: 2055, ipfixPort: 4739, netflow: true, ipfix: true })),
  /** Exporters allowed to send (source addresses); datagrams from others are dropped and counted. */
  allowExporters: z
    .array(cidrOrAddress)
    .max(10_000)
    .default(() => ['0.0.0.0/0', '::/0']),
  receiveBufferBytes,
  /** Multiply bytes and packets by the sampling interval the exporter reports (and set `sampled`). */
  scaleBySampling: z.boolean().default(false),
  /** Data sets that arrive before their template are held this long (tick time), then quarantined. */
  pendingTimeoutMs: z
    .number()
    .int()
    .min(1000)
    .max(24 * HOUR_MS)
    .default(60_000),
  /** Data sets held at most; past it the oldest is quarantined. */
  maxPendingSets: z.number().int().min(1).max(1_000_000).default(10_000),
  /** Templates kept per exporter and in all (past it the least recently refreshed goes, counted). */
  maxTemplatesPerExporter: z.number().int().min(1).max(65_536).default(4096),
  maxTemplates: z.number().int().min(1).max(1_000_000).default(65_536),
});

export type NetflowEiSettings = z.output<typeof netflowEiSettings>;
