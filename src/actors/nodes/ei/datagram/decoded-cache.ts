/**
 * What an ingest decoded of each message of a log entry, handed to the handler in the same thread
 * (keyed by the entry's payload object) so it is not decoded twice. A handler replaying the log
 * after a restart finds nothing here and decodes again, to the same result.
 */
export class DecodedCache<D> {
  readonly #map = new WeakMap<Uint8Array, readonly (D | undefined)[]>();

  remember(payload: Uint8Array, decoded: readonly (D | undefined)[]): void {
    this.#map.set(payload, decoded);
  }

  take(payload: Uint8Array): readonly (D | undefined)[] | undefined {
    const d = this.#map.get(payload);
    if (d !== undefined) this.#map.delete(payload);
    return d;
  }
}
