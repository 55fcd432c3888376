/**
 * Kinds of input-log entries. The log stores (kind, payload); these are the kinds the runtime writes.
 *   batch:    a NAR batch from a producer actor (payload = batch wire format, header has producer+seq)
 *   tick:     the time, written by the runtime so timeouts replay the same way (payload = u64 ms)
 *   external: an EI's outside input, appended by its ingest source (payload = node-type defined)
 *   control:  a change of the actor's outputs (payload = msgpack of OutputSpec[])
 */
export const ENTRY_BATCH = 1;
export const ENTRY_TICK = 2;
export const ENTRY_EXTERNAL = 3;
export const ENTRY_CONTROL = 4;

export function encodeTick(nowMs: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.trunc(nowMs)));
  return out;
}

export function decodeTick(payload: Uint8Array): number {
  return Number(new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getBigUint64(0));
}
