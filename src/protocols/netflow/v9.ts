/**
 * NetFlow v9 (RFC 3954): a 20-octet header, then FlowSets —
 *
 *   header    version (9) | count | sysUptime (ms) | unix_secs | sequence (export packets) | source id
 *   FlowSet 0 templates: { template id ≥ 256, field count, (type, length) × count } …
 *   FlowSet 1 options templates: { template id, option scope length, option length,
 *             (scope type, length) × scope length/4, (field type, length) × option length/4 } …
 *   FlowSet ≥ 256 data records of that template, then padding
 *   FlowSets 2–255 are reserved: skipped and counted.
 *
 * The header count is not checked: exporters count records, flows or sets (softflowd counts
 * flows). FIRST_SWITCHED (22) / LAST_SWITCHED (21) are sysUptime-relative and made absolute with
 * the header. A problem inside one FlowSet is collected in `errors` and the next FlowSet is decoded;
 * problems with the header or the FlowSet framing throw a DecodeError with protocol 'netflow'.
 */
import { DecodeError } from '../errors.js';
import type { FieldSpec } from './plan.js';
import { checkMessageSize, decodeSets, learnTemplate, setError, type SetContext } from './sets.js';
import { dataSetOrPending } from './data-sets.js';
import type { TemplateCache } from './templates.js';
import { DEFAULT_NETFLOW_LIMITS, type FlowMessage, type NetflowLimits, type V9Header } from './types.js';

export const V9_HEADER_BYTES = 20;

const u16 = (b: Uint8Array, at: number): number => ((b[at] as number) << 8) | (b[at + 1] as number);

/** Reads the 20-octet header; `truncated` or `bad_version` when it is not one. */
export function decodeV9Header(buf: Uint8Array): V9Header {
  if (buf.length < V9_HEADER_BYTES) {
    throw new DecodeError('netflow', 'truncated', `a v9 header needs 20 octets, got ${buf.length}`, 0, {
      length: buf.length,
    });
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const version = view.getUint16(0);
  if (version !== 9) {
    throw new DecodeError('netflow', 'bad_version', `expected version 9, got ${version}`, 0, { version });
  }
  return {
    version: 9,
    count: view.getUint16(2),
    sysUptime: view.getUint32(4),
    unixSecs: view.getUint32(8),
    sequence: view.getUint32(12),
    sourceId: view.getUint32(16),
  };
}

/**
 * Decodes one export packet with the exporter's templates from `cache` (templates and options
 * records it carries are learned into the cache). `now` stamps learned templates (default: the
 * header's unix_secs).
 */
export function decodeV9(
  bytes: Uint8Array,
  exporter: string,
  cache: TemplateCache,
  now?: number,
  limits: Partial<NetflowLimits> = {},
): FlowMessage<V9Header> {
  const lim = { ...DEFAULT_NETFLOW_LIMITS, ...limits };
  checkMessageSize(bytes, lim, 'netflow');
  const header = decodeV9Header(bytes);
  const learnedAt = now ?? header.unixSecs * 1000;
  return decodeSets(
    header,
    bytes,
    { start: V9_HEADER_BYTES, end: bytes.length },
    { exporter, cache, learnedAt, limits: lim },
    'netflow',
    (v, id, start, end) => {
      if (id === 0) templates(v.ctx, bytes, start, end, v.learnedAt, v.maxFields, v.msg);
      else if (id === 1) optionsTemplates(v.ctx, bytes, start, end, v.learnedAt, v.maxFields, v.msg);
      else if (id >= 256) dataSetOrPending(v.ctx, bytes, v.view, id, start, end, v.msg);
      else v.msg.counters.unknownSets++;
    },
  );
}

function readFields(buf: Uint8Array, at: number, count: number): FieldSpec[] {
  const fields: FieldSpec[] = [];
  for (let i = 0; i < count; i++, at += 4) fields.push({ id: u16(buf, at), length: u16(buf, at + 2) });
  return fields;
}

function recordBytes(fields: readonly FieldSpec[]): number {
  let n = 0;
  for (const f of fields) n += f.length;
  return n;
}

/**
 * The `count` field specifiers of a (data or options) template at `fieldsAt`, checked against the
 * field limit, the FlowSet's end and a record size of 0, and learned into the cache. False, with the
 * error in `msg`, when the template cannot be taken (the rest of the FlowSet is then skipped).
 */
function readTemplate(
  ctx: SetContext,
  buf: Uint8Array,
  where: { readonly at: number; readonly fieldsAt: number; readonly end: number },
  count: number,
  scopeFieldCount: number,
  learnedAt: number,
  maxFields: number,
  msg: FlowMessage<V9Header>,
): boolean {
  const { at, fieldsAt, end } = where;
  const templateId = u16(buf, at);
  if (count > maxFields) {
    msg.errors.push(
      setError(ctx, 'field_count_limit', `${count} fields, limit ${maxFields}`, at, templateId),
    );
    return false;
  }
  if (fieldsAt + count * 4 > end) {
    msg.errors.push(
      setError(ctx, 'template_overrun', `${count} fields run past the FlowSet`, at, templateId),
    );
    return false;
  }
  const fields = readFields(buf, fieldsAt, count);
  const empty = count === 0 || recordBytes(fields) === 0;
  return learnTemplate(ctx, msg, { at, templateId, fields }, scopeFieldCount, learnedAt, empty);
}

function templates(
  ctx: SetContext,
  buf: Uint8Array,
  start: number,
  end: number,
  learnedAt: number,
  maxFields: number,
  msg: FlowMessage<V9Header>,
): void {
  let at = start;
  while (end - at >= 4) {
    const templateId = u16(buf, at);
    const count = u16(buf, at + 2);
    if (templateId < 256) {
      msg.errors.push(
        setError(
          ctx,
          'bad_template_id',
          `template id ${templateId}; data templates are 256–65535`,
          at,
          templateId,
        ),
      );
      return;
    }
    if (!readTemplate(ctx, buf, { at, fieldsAt: at + 4, end }, count, 0, learnedAt, maxFields, msg)) return;
    at += 4 + count * 4;
  }
  msg.counters.paddingOctets += end - at;
}

function optionsTemplates(
  ctx: SetContext,
  buf: Uint8Array,
  start: number,
  end: number,
  learnedAt: number,
  maxFields: number,
  msg: FlowMessage<V9Header>,
): void {
  let at = start;
  while (end - at >= 6) {
    const templateId = u16(buf, at);
    const scopeLength = u16(buf, at + 2);
    const optionLength = u16(buf, at + 4);
    if (templateId < 256) {
      msg.errors.push(
        setError(
          ctx,
          'bad_template_id',
          `template id ${templateId}; options templates are 256–65535`,
          at,
          templateId,
        ),
      );
      return;
    }
    if (scopeLength % 4 !== 0 || optionLength % 4 !== 0) {
      msg.errors.push(
        setError(
          ctx,
          'bad_options_template',
          `scope length ${scopeLength} and option length ${optionLength} must be multiples of 4`,
          at,
          templateId,
        ),
      );
      return;
    }
    if (scopeLength === 0) {
      msg.errors.push(setError(ctx, 'bad_scope', 'options template without a scope field', at, templateId));
      return;
    }
    const count = (scopeLength + optionLength) / 4;
    if (
      !readTemplate(
        ctx,
        buf,
        { at, fieldsAt: at + 6, end },
        count,
        scopeLength / 4,
        learnedAt,
        maxFields,
        msg,
      )
    )
      return;
    at += 6 + count * 4;
  }
  msg.counters.paddingOctets += end - at;
}
