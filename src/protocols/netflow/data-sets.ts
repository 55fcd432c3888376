/**
 * Data sets of NetFlow v9 and IPFIX: records read with a compiled template, their flow start and
 * end made absolute, sampling resolved, and options records applied to the cache's domain state.
 *
 * Flow times, first match wins:
 *   start/end  flowStart/End{Seconds,Milliseconds,Microseconds,Nanoseconds} (absolute)
 *              flowStart/EndSysUpTime: v9 relative to the header's sysUptime and unix_secs;
 *              IPFIX relative to systemInitTimeMilliseconds (in the record or learned from options)
 *              flowStart/EndDeltaMicroseconds: before the message's export time
 *   missing    one end from the other and flowDurationMilliseconds/Microseconds
 * Sampling interval N, first match wins: the record's samplingInterval, samplerRandomInterval,
 * samplingPacketInterval (+ samplingPacketSpace: N = (interval + space) / interval) or
 * samplingProbability (N = 1/p); then the interval learned for the record's samplerId/selectorId;
 * then the one learned for its domain. Options records scoped by anything else (interface, line
 * card, metering process…) set the domain-wide interval — a simplification: per-interface sampling
 * is not told apart.
 */
import { readRecord, RecordScratch, Role } from './plan.js';
import { contextOf, emptyMessage, noteSkipped, setError, type SetContext } from './sets.js';
import type { CompiledTemplate, TemplateCache } from './templates.js';
import { isoMillis, isoRepresentable } from './time.js';
import type { FlowMessage, FlowRecord, IpfixHeader, PendingSet, V9Header } from './types.js';

const scratch = new RecordScratch();
const has = (seen: number, role: number): boolean => (seen & (1 << role)) !== 0;

function uptimeToMs(ctx: SetContext, uptime: number, seen: number, values: Float64Array): number | undefined {
  if (ctx.sysUptime !== undefined) return ctx.exportMs - ((ctx.sysUptime - uptime) | 0);
  const init = has(seen, Role.SystemInitMs)
    ? values[Role.SystemInitMs]
    : ctx.cache.systemInitFor(ctx.version, ctx.exporter, ctx.domain);
  return init === undefined ? undefined : init + uptime;
}

function edge(
  ctx: SetContext,
  abs: number,
  up: number,
  delta: number,
  seen: number,
  v: Float64Array,
): number | undefined {
  if (has(seen, abs)) return v[abs];
  if (has(seen, up)) return uptimeToMs(ctx, v[up] as number, seen, v);
  if (has(seen, delta)) return Math.floor((ctx.exportMs * 1000 - (v[delta] as number)) / 1000);
  return undefined;
}

function iso(ms: number | undefined): string | undefined {
  return ms !== undefined && Number.isFinite(ms) && isoRepresentable(Math.floor(ms / 1000))
    ? isoMillis(Math.floor(ms))
    : undefined;
}

/** The sampling interval a record states itself, if any. */
function ownSampling(seen: number, v: Float64Array): number | undefined {
  if (has(seen, Role.SamplingInterval) && (v[Role.SamplingInterval] as number) > 0)
    return v[Role.SamplingInterval];
  if (has(seen, Role.SamplerRandomInterval) && (v[Role.SamplerRandomInterval] as number) > 0) {
    return v[Role.SamplerRandomInterval];
  }
  if (has(seen, Role.PacketInterval) && (v[Role.PacketInterval] as number) > 0) {
    const n = v[Role.PacketInterval] as number;
    return (n + (has(seen, Role.PacketSpace) ? (v[Role.PacketSpace] as number) : 0)) / n;
  }
  const p = v[Role.Probability] as number;
  if (has(seen, Role.Probability) && p > 0 && p <= 1) return 1 / p;
  return undefined;
}

/** Decodes the records of one data set (content in buf[start, end)) into `msg`. */
export function decodeDataSet(
  ctx: SetContext,
  buf: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  t: CompiledTemplate,
  msg: FlowMessage<V9Header | IpfixHeader>,
): void {
  const { plan, template } = t;
  const options = template.scopeFieldCount > 0;
  const out = options ? msg.optionRecords : msg.records;
  const s = scratch;
  const v = s.values;
  // The domain-wide interval cannot change inside a flow data set: look it up once.
  let domainSampling: number | undefined | null = null;
  let at = start;
  if (plan.minLength === 0) {
    msg.errors.push(
      setError(ctx, 'empty_template', 'template describes records of 0 octets', start, template.templateId),
    );
    return;
  }
  while (end - at >= plan.minLength) {
    const fields = readRecord(buf, view, at, end, plan, s);
    if (fields === undefined) {
      msg.errors.push(
        setError(ctx, 'record_overrun', 'a variable-length field runs past the set', at, template.templateId),
      );
      return;
    }
    at = s.next;
    const seen = s.seen;
    let first = edge(ctx, Role.StartMs, Role.StartUptime, Role.StartDeltaUs, seen, v);
    let last = edge(ctx, Role.EndMs, Role.EndUptime, Role.EndDeltaUs, seen, v);
    const duration = has(seen, Role.DurationMs)
      ? v[Role.DurationMs]
      : has(seen, Role.DurationUs)
        ? Math.floor((v[Role.DurationUs] as number) / 1000)
        : undefined;
    if (duration !== undefined) {
      if (first !== undefined && last === undefined) last = first + duration;
      else if (last !== undefined && first === undefined) first = last - duration;
    }
    let sampling = ownSampling(seen, v);
    const samplerId = has(seen, Role.SamplerId) ? v[Role.SamplerId] : undefined;
    if (options) {
      if (sampling !== undefined) {
        ctx.cache.setSampling({
          version: ctx.version,
          exporter: ctx.exporter,
          observationDomainId: ctx.domain,
          ...(samplerId === undefined ? {} : { samplerId }),
          interval: sampling,
        });
      }
      if (has(seen, Role.SystemInitMs)) {
        ctx.cache.setSystemInit({
          version: ctx.version,
          exporter: ctx.exporter,
          observationDomainId: ctx.domain,
          ms: v[Role.SystemInitMs] as number,
        });
      }
    } else if (sampling === undefined) {
      if (samplerId !== undefined) {
        sampling = ctx.cache.samplingFor(ctx.version, ctx.exporter, ctx.domain, samplerId);
      } else {
        if (domainSampling === null)
          domainSampling = ctx.cache.samplingFor(ctx.version, ctx.exporter, ctx.domain);
        sampling = domainSampling;
      }
    }
    const rec: FlowRecord = {
      version: ctx.version,
      exporter: ctx.exporter,
      observationDomainId: ctx.domain,
      sequence: ctx.sequence,
      templateId: template.templateId,
      flowStart: iso(first),
      flowEnd: iso(last),
      samplingInterval: sampling,
      fields,
    };
    out.push(rec);
    msg.dataRecords++;
    msg.counters.unknownFields += plan.unknownFields;
    msg.counters.enterpriseFields += plan.enterpriseFields;
  }
  msg.counters.paddingOctets += end - at;
}

/** Decodes a data set with its template, or keeps it in `msg.pending` when the template is unknown. */
export function dataSetOrPending(
  ctx: SetContext,
  buf: Uint8Array,
  view: DataView,
  setId: number,
  start: number,
  end: number,
  msg: FlowMessage<V9Header | IpfixHeader>,
): void {
  const t = ctx.cache.get(ctx.version, ctx.exporter, ctx.domain, setId);
  if (t !== undefined) {
    decodeDataSet(ctx, buf, view, start, end, t, msg);
    return;
  }
  msg.pending.push({
    version: ctx.version,
    exporter: ctx.exporter,
    observationDomainId: ctx.domain,
    templateId: setId,
    header: ctx.header,
    bytes: buf.slice(start, end),
  });
}

/**
 * Decodes a set held back for want of its template, now that the cache may know it. The result's
 * `pending` holds the set again when the template is still unknown.
 */
export function decodePendingSet<H extends V9Header | IpfixHeader>(
  p: PendingSet & { header: H },
  cache: TemplateCache,
): FlowMessage<H> {
  const msg = emptyMessage(p.header);
  const ctx = contextOf(p.header, p.exporter, cache);
  const view = new DataView(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength);
  dataSetOrPending(
    ctx,
    p.bytes,
    view,
    p.templateId,
    0,
    p.bytes.length,
    msg as FlowMessage<V9Header | IpfixHeader>,
  );
  noteSkipped(msg, 0, p.templateId, p.bytes, 0, p.bytes.length);
  return msg;
}

/**
 * The sets of a message body buf[start, end), as (set id, content start, content end) triples,
 * all checked before any is decoded: a set length below 4 is `bad_set_length`, one past the end
 * `set_overrun`. Fewer than 4 trailing octets are padding.
 */
