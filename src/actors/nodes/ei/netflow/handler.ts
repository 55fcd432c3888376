/**
 * The flow collector's handler: decodes each logged NetFlow v5/v9 or IPFIX datagram, in log order,
 * into one NAR per flow (see `flowToNar`). Its state, checkpointed, holds what decoding needs from
 * earlier datagrams, so a restarted collector decodes data at once instead of waiting for templates:
 * - the template cache (templates, options templates, sampling and system-init times learned from
 *   options records), per exporter address, observation domain / source id and template id;
 * - the export sequence of each (exporter, domain): gaps are lost export packets (v9), flows (v5) or
 *   records (IPFIX), reported per exporter as `narflow_node_peer_events_total`;
 * - data sets that came before their template: retried when the exporter's templates arrive,
 *   quarantined (`template_unknown`, as a datagram that replays) after `pendingTimeoutMs` of tick
 *   time or past `maxPendingSets`.
 * A datagram that does not decode is quarantined with the decoder's code. In one with a bad set,
 * everything up to the failing template or record is taken and the rest of that set is quarantined
 * as a datagram of its own (`partial: true`): a replay decodes only what was not taken before.
 */
import { DecodeError } from '../../../../protocols/errors.js';
import {
  decodeIpfix,
  decodePendingSet,
  decodeV5,
  decodeV9,
  encodeIpfix,
  encodeV9,
  flowToNar,
  SequenceTracker,
  TemplateCache,
  type SequenceObservation,
} from '../../../../protocols/netflow/index.js';
import type {
  FlowMessage,
  FlowRecord,
  IpfixHeader,
  PendingSet,
  V9Header,
} from '../../../../protocols/netflow/types.js';
import type { HandlerContext, NodeHandler } from '../../../runtime/actor.js';
import { decodeEntries, isDatagramEntry, type DatagramEntry } from '../datagram/entry.js';
import { takeReplayedDatagrams } from '../datagram/replay-datagrams.js';
import type { NetflowEiSettings } from './settings.js';

interface HeldSet {
  readonly address: string;
  readonly port: number;
  readonly receivedAtMs: number;
  readonly set: PendingSet;
}

interface Snapshot {
  readonly templates: unknown;
  readonly sequences: unknown;
  readonly held: HeldSet[];
}

type Origin = Pick<DatagramEntry, 'address' | 'port' | 'receivedAtMs'>;

const detailOf = (o: Origin): Record<string, unknown> => ({
  address: o.address,
  port: o.port,
  receivedAtMs: o.receivedAtMs,
});

export class NetflowEiHandler implements NodeHandler {
  #templates: TemplateCache;
  #sequences = new SequenceTracker();
  #held: HeldSet[] = [];

  constructor(
    private readonly s: NetflowEiSettings,
    private readonly actorDir: string,
  ) {
    this.#templates = new TemplateCache(this.#limits());
  }

  #limits(): { maxTemplatesPerExporter: number; maxTemplates: number } {
    return { maxTemplatesPerExporter: this.s.maxTemplatesPerExporter, maxTemplates: this.s.maxTemplates };
  }

  init(snapshot: unknown): void {
    const snap = snapshot as Snapshot | undefined;
    if (snap === undefined) return;
    this.#templates = TemplateCache.restore(snap.templates, this.#limits());
    this.#sequences = SequenceTracker.restore(snap.sequences);
    this.#held = [...snap.held];
  }

  snapshot(): Snapshot {
    return {
      templates: this.#templates.snapshot(),
      sequences: this.#sequences.snapshot(),
      held: [...this.#held],
    };
  }

  held(): number {
    return 0;
  }

  /** Per exporter: export units received and lost (with late arrivals taken back), restarts. */
  peerStats(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const st of this.#sequences.snapshot().streams) {
      const p = (out[st.exporter] ??= {});
      for (const [k, v] of Object.entries(st.stats)) p[`sequence_${k}`] = (p[`sequence_${k}`] ?? 0) + v;
    }
    return out;
  }

  handleBatch(): void {
    throw new Error('netflow-ei takes no input from other nodes');
  }

  handleTick(nowMs: number, ctx: HandlerContext): void {
    const keep: HeldSet[] = [];
    for (const h of this.#held) {
      if (nowMs - h.receivedAtMs >= this.s.pendingTimeoutMs) this.#quarantineHeld(h, ctx);
      else keep.push(h);
    }
    this.#held = keep;
  }

  handleExternal(payload: Uint8Array, ctx: HandlerContext): void {
    if (!isDatagramEntry(payload)) {
      takeReplayedDatagrams(payload, this.actorDir, ctx, (e) => this.#datagram(e, ctx));
      return;
    }
    for (const e of decodeEntries(payload)) this.#datagram(e, ctx);
  }

  #datagram(e: DatagramEntry, ctx: HandlerContext): void {
    const buf = e.message;
    const version = buf.length >= 2 ? ((buf[0] as number) << 8) | (buf[1] as number) : -1;
    try {
      switch (version) {
        case 5: {
          const p = decodeV5(buf, e.address);
          const h = p.header;
          this.#observe({
            version: 5,
            exporter: e.address,
            observationDomainId: (h.engineType << 8) | h.engineId,
            sequence: h.flowSequence,
            count: h.count,
            uptimeMs: h.sysUptime,
          });
          this.#emit(p.records, ctx);
          return;
        }
        case 9:
          this.#message(decodeV9(buf, e.address, this.#templates, e.receivedAtMs), e, buf, ctx);
          return;
        case 10:
          this.#message(decodeIpfix(buf, e.address, this.#templates, e.receivedAtMs), e, buf, ctx);
          return;
        default:
          throw new DecodeError(
            'netflow',
            'bad_version',
            `version ${version}: expected 5, 9 or 10 (IPFIX)`,
            0,
            {
              version,
            },
          );
      }
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      ctx.count('created', 1);
      ctx.quarantine(buf, err.code, { ...detailOf(e), error: err.message });
    }
  }

  #message(
    m: ReturnType<typeof decodeV9> | ReturnType<typeof decodeIpfix>,
    e: DatagramEntry,
    buf: Uint8Array,
    ctx: HandlerContext,
  ): void {
    const h = m.header;
    this.#observe(
      h.version === 9
        ? {
            version: 9,
            exporter: e.address,
            observationDomainId: h.sourceId,
            sequence: h.sequence,
            count: 1,
            uptimeMs: h.sysUptime,
          }
        : {
            version: 10,
            exporter: e.address,
            observationDomainId: h.observationDomainId,
            sequence: h.sequence,
            count: m.dataRecords,
            countKnown: m.pending.length === 0,
          },
    );
    this.#emit(m.records, ctx);
    if (m.templatesLearned > 0) this.#retryHeld(e.address, ctx);
    for (const set of m.pending)
      this.#hold({ address: e.address, port: e.port, receivedAtMs: e.receivedAtMs, set }, ctx);
    this.#quarantineSkipped(m, e, ctx);
  }

  /** The undecoded rest of each bad set, each as a datagram of its own (see SkippedSet). */
  #quarantineSkipped(
    m: Pick<FlowMessage<V9Header | IpfixHeader>, 'header' | 'records' | 'skipped'>,
    o: Origin,
    ctx: HandlerContext,
  ): void {
    for (const k of m.skipped) {
      this.#quarantineSet(ctx, m.header, k.setId, k.bytes, k.error.code, {
        ...detailOf(o),
        partial: true,
        setId: k.setId,
        flowsEmitted: m.records.length,
        error: k.error.message,
      });
    }
  }

  #observe(o: SequenceObservation): void {
    this.#sequences.observe(o);
  }

  #emit(records: readonly FlowRecord[], ctx: HandlerContext): void {
    if (records.length === 0) return;
    ctx.count('created', records.length);
    const scaleBySampling = this.s.scaleBySampling;
    for (const r of records) ctx.emit(flowToNar(r, { scaleBySampling }));
  }

  #hold(h: HeldSet, ctx: HandlerContext): void {
    this.#held.push(h);
    while (this.#held.length > this.s.maxPendingSets)
      this.#quarantineHeld(this.#held.shift() as HeldSet, ctx);
  }

  /** The exporter sent templates: its held sets that decode now go out, in arrival order. */
  #retryHeld(exporter: string, ctx: HandlerContext): void {
    if (this.#held.length === 0) return;
    const keep: HeldSet[] = [];
    for (const h of this.#held) {
      if (h.set.exporter !== exporter) {
        keep.push(h);
        continue;
      }
      const r = decodePendingSet(h.set, this.#templates);
      if (r.pending.length > 0) keep.push(h);
      else {
        this.#emit(r.records, ctx);
        this.#quarantineSkipped(r, h, ctx);
      }
    }
    this.#held = keep;
  }

  /** A held set, as a datagram of its own that a quarantine replay decodes once the template is known. */
  #quarantineHeld(h: HeldSet, ctx: HandlerContext): void {
    const p = h.set;
    this.#quarantineSet(ctx, p.header, p.templateId, p.bytes, 'template_unknown', {
      ...detailOf(h),
      version: p.version,
      observationDomainId: p.observationDomainId,
      templateId: p.templateId,
    });
  }

  /** One set (content without its set header) under the header it came with, as a datagram. */
  #quarantineSet(
    ctx: HandlerContext,
    header: V9Header | IpfixHeader,
    setId: number,
    bytes: Uint8Array,
    reason: string,
    detail: Record<string, unknown>,
  ): void {
    const sets = [{ kind: 'raw' as const, setId, bytes }];
    const raw =
      header.version === 9 ? encodeV9({ ...header, count: 0, sets }) : encodeIpfix({ ...header, sets });
    ctx.count('created', 1);
    ctx.quarantine(raw, reason, detail);
  }
}
