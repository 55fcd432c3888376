/** Settings pieces the datagram EIs (GTP', RADIUS, NetFlow/IPFIX) share. */
import { z } from 'zod';
import { parseCidr, parseIp } from '../../../../protocols/ip.js';

export const MIB = 1024 * 1024;

export const address = z.string().refine((s) => parseIp(s) !== undefined, 'an IPv4 or IPv6 address');

export const cidrOrAddress = z
  .string()
  .refine(
    (s) => parseCidr(s.includes('/') ? s : `${s}/${s.includes(':') ? 128 : 32}`) !== undefined,
    'an address or CIDR network',
  );

/** A listening port; 0 takes any free port (the ingest logs the one it got). */
export const port = (defaultPort: number) => z.number().int().min(0).max(65_535).default(defaultPort);

/** UDP socket receive buffer asked of the kernel; below 4 MiB granted raises an alarm. */
export const receiveBufferBytes = z
  .number()
  .int()
  .min(64 * 1024)
  .max(1024 * MIB)
  .default(8 * MIB);
