/** Settings of the RADIUS accounting EI (`radius-ei`). */
import { z } from 'zod';
import { address, port, receiveBufferBytes } from '../datagram/settings.js';

export const radiusEiSettings = z.strictObject({
  listen: z
    .strictObject({ address: address.default('0.0.0.0'), port: port(1813) })
    .default(() => ({ address: '0.0.0.0', port: 1813 })),
  /** The clients ("IP Secrets") file: address or CIDR, shared secret, name; relative to the config file. */
  clientsFile: z.string().min(1),
  /** How often the clients file is checked for changes (ms); 0 never reloads. */
  clientsReloadMs: z.number().int().min(0).max(3_600_000).default(5000),
  receiveBufferBytes,
  /**
   * RFC 5080 §2.2.2 duplicate detection: a request with the same client address, port, Identifier
   * and Request Authenticator within this window is a retransmission and gets the same response.
   */
  retransmitWindowMs: z.number().int().min(1000).max(600_000).default(30_000),
  /** Requests remembered for the window at most (the oldest go first past it). */
  maxRememberedRequests: z.number().int().min(1000).max(10_000_000).default(1_000_000),
});

export type RadiusEiSettings = z.output<typeof radiusEiSettings>;
