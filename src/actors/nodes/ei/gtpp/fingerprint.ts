/**
 * A Data Record Transfer Request's fingerprint: what tells a retransmission (the request again,
 * byte for byte) from a new request that reuses its sequence number (after the 16-bit counter
 * wrapped, or the GSN restarted), whose records differ. 64 bits of XXH64 over the message after its
 * header: about a tenth of the cost of MD5, which the ingest paid on every request before.
 *
 * Handler checkpoints written before XXH64 hold MD5 fingerprints (`md5Fingerprint`); the handler
 * compares with those as well for as long as such entries can still be in its window.
 */
import { hash } from 'node:crypto';
import xxhash from 'xxhash-wasm';

const { h64Raw } = await xxhash();

export function fingerprint(message: Uint8Array, headerLength: number): bigint {
  return h64Raw(message.subarray(headerLength));
}

/** The fingerprint of checkpoints written before XXH64: 64 bits of MD5 over the same bytes. */
export function md5Fingerprint(message: Uint8Array, headerLength: number): bigint {
  return hash('md5', message.subarray(headerLength), 'buffer').readBigUInt64BE(0);
}
