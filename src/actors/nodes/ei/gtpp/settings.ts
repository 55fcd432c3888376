/** Settings of the GTP' EI (`gtpp-ei`): where it listens, whom it accepts, and its overload policy. */
import { z } from 'zod';
import { parseIp } from '../../../../protocols/ip.js';
import { address, cidrOrAddress, port, receiveBufferBytes } from '../datagram/settings.js';

const DAY_MS = 86_400_000;

/** `host:port` or `[v6]:port`. */
const endpoint = z.string().refine((s) => parseEndpoint(s) !== undefined, 'an address:port ([v6]:port)');

export function parseEndpoint(text: string): { host: string; port: number } | undefined {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (m === null) return undefined;
  const host = m[1] as string;
  const port = Number(m[2]);
  if (parseIp(host) === undefined || !Number.isInteger(port) || port < 1 || port > 65_535) return undefined;
  return { host, port };
}

export const gtppEiSettings = z.strictObject({
  listen: z
    .strictObject({
      address: address.default('0.0.0.0'),
      /** 0: any free port (the ingest logs the ones it got). */
      port: port(3386),
      udp: z.boolean().default(true),
      tcp: z.boolean().default(true),
    })
    .default(() => ({ address: '0.0.0.0', port: 3386, udp: true, tcp: true })),
  /** Peers (GSNs) allowed to send; others are refused and counted. A peer is its source address. */
  allowPeers: z
    .array(cidrOrAddress)
    .max(10_000)
    .default(() => ['127.0.0.0/8', '::1']),
  /** UDP socket receive buffer asked of the kernel; below 4 MiB granted raises an alarm. */
  receiveBufferBytes,
  /** The address this gateway names as its own in Node Alive Requests (default: the listen address). */
  nodeAddress: address.optional(),
  /** GSNs told at start that this gateway is alive (Node Alive Request), `address:port`. */
  announce: z
    .array(endpoint)
    .max(1000)
    .default(() => []),
  /** How long a request's sequence number and content are remembered to recognise retransmissions. */
  retransmitWindowMs: z
    .number()
    .int()
    .min(1000)
    .max(DAY_MS)
    .default(10 * 60_000),
  /**
   * CDRs of possibly duplicated packets held (waiting for their release or cancel) past which new
   * possibly duplicated packets are answered "No resources available" and not taken: the GSN keeps
   * them and sends them again later. Held CDRs are kept in memory (~230 bytes each).
   */
  maxHeldCdrs: z.number().int().min(1).max(100_000_000).default(1_000_000),
  /** Possibly duplicated packets neither released nor cancelled within this time go to the quarantine. */
  possiblyDuplicatedTimeoutMs: z
    .number()
    .int()
    .min(1000)
    .max(31 * DAY_MS)
    .default(DAY_MS),
  /** Data record formats accepted (1: ASN.1 BER); others are answered "CDR decoding error" and quarantined. */
  acceptFormats: z
    .array(z.number().int().min(1).max(255))
    .min(1)
    .default(() => [1]),
  /**
   * Requests of one peer that become durable together are answered by one Data Record Transfer
   * Response listing their sequence numbers (Requests Responded), at most this many; 1: one each.
   */
  maxRequestsPerResponse: z.number().int().min(1).max(4096).default(64),
  /**
   * Sample CDRs run through the request path before the sockets open, so the first traffic after a
   * start meets optimised code (0: none). About 0.1 s of start-up for the default.
   */
  warmUpCdrs: z.number().int().min(0).max(1_000_000).default(20_000),
  /**
   * Threads of its own that decode the CDRs (0: the gateway's thread does). The gateway's thread still
   * receives, logs and answers; it decodes itself whenever every decode thread is busy.
   */
  decodeThreads: z.number().int().min(0).max(64).default(0),
  overload: z
    .strictObject({
      /** Input entries not yet handled above which peers are told the receive buffers are becoming full. */
      highWater: z.number().int().min(1).default(20_000),
      /** Below this again, redirected peers are told the gateway is alive (Node Alive Request). */
      lowWater: z.number().int().min(0).default(5_000),
      /** Above this, new Data Record Transfer Requests are answered "No resources available" and not taken. */
      rejectAbove: z.number().int().min(1).default(200_000),
      /** Gateway named in Redirection Requests (Address of Recommended Node); none: the cause only. */
      redirectTo: address.optional(),
      /** Send Redirection Requests at all (false: only the causes in answers). */
      redirect: z.boolean().default(true),
      /** Repeat the Redirection Request to a peer that keeps sending while overloaded, at most this often. */
      repeatMs: z.number().int().min(100).max(3_600_000).default(5_000),
    })
    .refine((o) => o.lowWater < o.highWater && o.highWater <= o.rejectAbove, {
      message: 'lowWater < highWater <= rejectAbove',
    })
    .default(() => ({
      highWater: 20_000,
      lowWater: 5_000,
      rejectAbove: 200_000,
      redirect: true,
      repeatMs: 5_000,
    })),
});

export type GtppEiSettings = z.output<typeof gtppEiSettings>;
