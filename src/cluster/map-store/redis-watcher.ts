/**
 * One watcher of a Redis-held map: a dedicated connection blocks on XREAD of the events stream; each
 * wake-up re-reads the map and the new events in one transaction and delivers the diff against the
 * last version delivered, so a lost or trimmed notification never hides a version.
 */
import type { Redis } from 'ioredis';
import { diffMaps } from './diff.js';
import { MapStoreError } from './errors.js';
import type { MapKeys } from './keys.js';
import { asEntries, execAll, parseEvent, parseMap, parseVersion } from './redis-read.js';
import type { DataFlowMap, MapChange, MapListener, MapNotice } from './types.js';

export interface WatcherStart {
  readonly mapId: string;
  readonly keys: MapKeys;
  /** The dedicated connection; the watcher owns it from now on and closes it on stop. */
  readonly connection: Redis;
  /** The map and the id of the last event at the moment watching began, read together. */
  readonly baseline: DataFlowMap;
  readonly lastEventId: string;
  readonly listener: MapListener;
  readonly onError: (error: Error) => void;
  /** How long one XREAD blocks before the watcher checks the version on its own. */
  readonly blockMs: number;
}

const MAX_RETRY_DELAY_MS = 5_000;

export class RedisMapWatcher {
  readonly #cfg: WatcherStart;
  readonly #conn: Redis;
  #baseline: DataFlowMap;
  #lastId: string;
  #stopped = false;
  #lost = false;
  #wake: (() => void) | null = null;
  readonly #loop: Promise<void>;

  constructor(cfg: WatcherStart) {
    this.#cfg = cfg;
    this.#conn = cfg.connection;
    this.#baseline = cfg.baseline;
    this.#lastId = cfg.lastEventId;
    this.#conn.on('error', (err: Error) => {
      if (this.#stopped) return;
      this.#report(
        'watch_connection_error',
        `expected the watch connection of map ${cfg.mapId} to work`,
        err,
      );
    });
    this.#conn.on('close', () => {
      if (this.#stopped || this.#lost) return;
      this.#lost = true;
      this.#report(
        'watch_connection_lost',
        `expected the watch connection of map ${cfg.mapId} to stay open; reconnecting, and the changes made meanwhile will be delivered`,
      );
    });
    this.#conn.on('ready', () => {
      this.#lost = false;
    });
    this.#loop = this.#run();
  }

  /** Stops watching and closes the dedicated connection; resolves once the loop has ended. */
  async stop(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      this.#wake?.();
      this.#conn.disconnect();
    }
    await this.#loop;
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      try {
        const woke = await this.#conn.xread(
          'COUNT',
          1,
          'BLOCK',
          this.#cfg.blockMs,
          'STREAMS',
          this.#cfg.keys.events,
          this.#lastId,
        );
        if (this.#stopped) return;
        await this.#sync(woke === null);
        failures = 0;
      } catch (err) {
        if (this.#stopped) return;
        failures += 1;
        // A failure caused by a connection loss was reported when the loss was seen.
        if (!this.#lost)
          this.#report('watch_failed', `expected to read the changes of map ${this.#cfg.mapId}`, err);
        await this.#pause(Math.min(50 * 2 ** failures, MAX_RETRY_DELAY_MS));
      }
    }
  }

  async #sync(timedOut: boolean): Promise<void> {
    const { keys } = this.#cfg;
    if (timedOut && parseVersion(await this.#conn.get(keys.version)) === this.#baseline.version) return;
    const [rawNodes, rawVersion, rawEvents] = await execAll(
      this.#conn.multi().hgetall(keys.map).get(keys.version).xrange(keys.events, `(${this.#lastId}`, '+'),
      `reading map ${this.#cfg.mapId}`,
    );
    const next = parseMap(rawNodes, rawVersion);
    const events = asEntries(rawEvents).map(parseEvent);
    const lastEvent = events.at(-1);
    if (lastEvent !== undefined) this.#lastId = lastEvent.id;
    const before = this.#baseline;
    if (next.version === before.version) return;
    if (next.version < before.version) {
      this.#baseline = next;
      this.#report(
        'version_regressed',
        `expected the version of map ${this.#cfg.mapId} never to go back; it went from ${before.version} to ${next.version}; watching on from there`,
      );
      return;
    }
    const notices: MapNotice[] = [];
    const seen: number[] = [];
    for (const event of events) {
      if (event.version <= before.version) continue;
      seen.push(event.version);
      if (event.notice !== null) notices.push(event.notice);
    }
    const complete =
      seen.length === next.version - before.version && seen.every((v, i) => v === before.version + 1 + i);
    if (!complete) {
      this.#report(
        'notifications_missed',
        `expected one notification per version of map ${this.#cfg.mapId} from ${before.version + 1} to ${next.version}, saw [${seen.join(', ')}]; the change is diffed against version ${before.version}`,
      );
    }
    const change: MapChange = { ...diffMaps(before, next), notices };
    this.#baseline = next;
    try {
      this.#cfg.listener(change);
    } catch (err) {
      this.#report(
        'listener_failed',
        `expected the map listener to return; it threw on version ${change.to}`,
        err,
      );
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  #report(code: MapStoreError['code'], message: string, cause?: unknown): void {
    const error = new MapStoreError(
      code,
      message,
      { mapId: this.#cfg.mapId, version: this.#baseline.version },
      cause === undefined ? undefined : { cause },
    );
    try {
      this.#cfg.onError(error);
    } catch (sinkErr) {
      process.emitWarning(
        new MapStoreError(
          'listener_failed',
          'expected the onError callback to return; it threw',
          {},
          { cause: sinkErr },
        ),
      );
    }
  }
}
