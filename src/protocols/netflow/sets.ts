/**
 * The sets of a NetFlow v9 or IPFIX message: walking them within the message's bounds, the context
 * and errors of one set, learning templates, and the message's result. Data sets themselves are
 * read in data-sets.ts.
 */
import { DecodeError } from '../errors.js';
import type { FieldSpec } from './plan.js';
import type { TemplateCache } from './templates.js';
import type { FlowMessage, IpfixHeader, NetflowErrorCode, NetflowLimits, V9Header } from './types.js';

export interface SetContext {
  readonly version: 9 | 10;
  readonly exporter: string;
  readonly domain: number;
  readonly sequence: number;
  readonly header: V9Header | IpfixHeader;
  readonly cache: TemplateCache;
  /** Export time of the message in ms (v9 unix_secs, IPFIX Export Time). */
  readonly exportMs: number;
  /** v9 only: the header's sysUptime. */
  readonly sysUptime: number | undefined;
}

/** A DecodeError confined to one set, with the exporter, domain and template in its context. */
export function setError(
  ctx: SetContext,
  code: NetflowErrorCode,
  message: string,
  offset: number,
  templateId?: number,
): DecodeError {
  return new DecodeError(ctx.version === 9 ? 'netflow' : 'ipfix', code, message, offset, {
    exporter: ctx.exporter,
    observationDomainId: ctx.domain,
    ...(templateId === undefined ? {} : { templateId }),
  });
}

/**
 * A template whose field specifiers were read and checked, learned into the exporter's cache and
 * counted in `msg`; or, when `empty` (its records would be 0 octets), an `empty_template` error.
 */
export function learnTemplate(
  ctx: SetContext,
  msg: FlowMessage<V9Header | IpfixHeader>,
  t: { readonly at: number; readonly templateId: number; readonly fields: FieldSpec[] },
  scopeFieldCount: number,
  learnedAt: number,
  empty: boolean,
): boolean {
  if (empty) {
    msg.errors.push(
      setError(ctx, 'empty_template', 'template describes records of 0 octets', t.at, t.templateId),
    );
    return false;
  }
  ctx.cache.learn({
    version: ctx.version,
    exporter: ctx.exporter,
    observationDomainId: ctx.domain,
    templateId: t.templateId,
    fields: t.fields,
    scopeFieldCount,
    learnedAt,
  });
  msg.templatesLearned++;
  return true;
}

/** A message result with nothing in it yet. */
export function emptyMessage<H extends V9Header | IpfixHeader>(header: H): FlowMessage<H> {
  return {
    header,
    records: [],
    optionRecords: [],
    pending: [],
    templatesLearned: 0,
    templatesWithdrawn: 0,
    dataRecords: 0,
    errors: [],
    skipped: [],
    counters: {
      unknownFields: 0,
      enterpriseFields: 0,
      unknownSets: 0,
      unknownWithdrawals: 0,
      paddingOctets: 0,
    },
  };
}

/** The per-message facts set decoding needs, from a v9 or IPFIX header. */
export function contextOf(
  header: V9Header | IpfixHeader,
  exporter: string,
  cache: TemplateCache,
): SetContext {
  if (header.version === 9) {
    return {
      version: 9,
      exporter,
      domain: header.sourceId,
      sequence: header.sequence,
      header,
      cache,
      exportMs: header.unixSecs * 1000,
      sysUptime: header.sysUptime,
    };
  }
  return {
    version: 10,
    exporter,
    domain: header.observationDomainId,
    sequence: header.sequence,
    header,
    cache,
    exportMs: header.exportTime * 1000,
    sysUptime: undefined,
  };
}

export function walkSets(
  buf: Uint8Array,
  start: number,
  end: number,
  protocol: 'netflow' | 'ipfix',
): { sets: number[]; trailing: number } {
  const sets: number[] = [];
  let at = start;
  while (end - at >= 4) {
    const id = ((buf[at] as number) << 8) | (buf[at + 1] as number);
    const len = ((buf[at + 2] as number) << 8) | (buf[at + 3] as number);
    if (len < 4) {
      throw new DecodeError(protocol, 'bad_set_length', `set ${id} has length ${len}; at least 4`, at, {
        setId: id,
        length: len,
      });
    }
    if (at + len > end) {
      throw new DecodeError(
        protocol,
        'set_overrun',
        `set ${id} of ${len} octets runs ${at + len - end} past the message`,
        at,
        {
          setId: id,
          length: len,
          remaining: end - at,
        },
      );
    }
    sets.push(id, at + 4, at + len);
    at += len;
  }
  return { sets, trailing: end - at };
}

/** What decodeSets hands the per-version set decoder with each set. */
export interface SetVisit<H extends V9Header | IpfixHeader> {
  readonly ctx: SetContext;
  readonly buf: Uint8Array;
  readonly view: DataView;
  readonly learnedAt: number;
  readonly maxFields: number;
  readonly msg: FlowMessage<H>;
}

/** Refuses a message larger than the limit before anything else is read. */
export function checkMessageSize(
  bytes: Uint8Array,
  limits: NetflowLimits,
  protocol: 'netflow' | 'ipfix',
): void {
  if (bytes.length > limits.maxMessageBytes) {
    throw new DecodeError(
      protocol,
      'message_too_large',
      `${bytes.length} octets, limit ${limits.maxMessageBytes}`,
      0,
      {
        length: bytes.length,
      },
    );
  }
}

/**
 * The frame both versions share: the sets of buf[start, end) walked and checked (walkSets), then
 * each handed to `visit` with its id and content range, in order.
 */
export function decodeSets<H extends V9Header | IpfixHeader>(
  header: H,
  buf: Uint8Array,
  range: { start: number; end: number },
  o: { exporter: string; cache: TemplateCache; learnedAt: number; limits: NetflowLimits },
  protocol: 'netflow' | 'ipfix',
  visit: (v: SetVisit<H>, id: number, start: number, end: number) => void,
): FlowMessage<H> {
  const { sets, trailing } = walkSets(buf, range.start, range.end, protocol);
  const msg = emptyMessage(header);
  msg.counters.paddingOctets += trailing;
  const v: SetVisit<H> = {
    ctx: contextOf(header, o.exporter, o.cache),
    buf,
    view: new DataView(buf.buffer, buf.byteOffset, buf.byteLength),
    learnedAt: o.learnedAt,
    maxFields: Math.min(o.limits.maxFieldsPerTemplate, o.cache.limits.maxFieldsPerTemplate),
    msg,
  };
  for (let i = 0; i < sets.length; i += 3) {
    const id = sets[i] as number;
    const start = sets[i + 1] as number;
    const end = sets[i + 2] as number;
    const errors = msg.errors.length;
    visit(v, id, start, end);
    noteSkipped(msg, errors, id, buf, start, end);
  }
  return msg;
}

/**
 * When visiting set buf[start, end) added an error (the first one from index `errorsBefore`), keeps
 * the part from that error's offset to the end of the set: the set decoders stop at the failing
 * template or record and skip the rest.
 */
export function noteSkipped<H extends V9Header | IpfixHeader>(
  msg: FlowMessage<H>,
  errorsBefore: number,
  setId: number,
  buf: Uint8Array,
  start: number,
  end: number,
): void {
  const error = msg.errors[errorsBefore];
  if (error === undefined) return;
  const from = error.offset >= start && error.offset < end ? error.offset : start;
  msg.skipped.push({ setId, bytes: buf.slice(from, end), error });
}
