/**
 * IPFIX (RFC 7011): a 16-octet message header, then sets —
 *
 *   header  version (10) | length (whole message) | export time (s) | sequence (data records) | domain
 *   set 2   template records: { template id ≥ 256, field count, field specifiers }
 *   set 3   options template records: { template id, field count, scope field count ≥ 1, specifiers }
 *   set ≥ 256  data records of that template, then padding
 *   sets 0, 1 and 4–255 are not IPFIX sets: skipped and counted.
 *
 * A field specifier is (E bit | IE id, length) plus a 4-octet enterprise number when E is set
 * (§3.2). Length 65535 marks a variable-length field, sent as one length octet, or 255 and two
 * length octets (§7). A record with field count 0 is a withdrawal (§8.1): of that template, or of all
 * data (id 2 in set 2) or options (id 3 in set 3) templates of the domain. Problems inside one set are
 * collected in `errors`; header and set-framing problems throw a DecodeError with protocol 'ipfix'.
 */
import { DecodeError } from '../errors.js';
import type { FieldSpec } from './plan.js';
import { checkMessageSize, decodeSets, learnTemplate, setError, type SetContext } from './sets.js';
import { dataSetOrPending } from './data-sets.js';
import type { TemplateCache } from './templates.js';
import { DEFAULT_NETFLOW_LIMITS, type FlowMessage, type IpfixHeader, type NetflowLimits } from './types.js';
import { VARIABLE_LENGTH } from './ie.js';

export const IPFIX_HEADER_BYTES = 16;
export const TEMPLATE_SET_ID = 2;
export const OPTIONS_TEMPLATE_SET_ID = 3;

const u16 = (b: Uint8Array, at: number): number => ((b[at] as number) << 8) | (b[at + 1] as number);

/** Reads the 16-octet message header; `truncated` or `bad_version` when it is not one. */
export function decodeIpfixHeader(buf: Uint8Array): IpfixHeader {
  if (buf.length < IPFIX_HEADER_BYTES) {
    throw new DecodeError('ipfix', 'truncated', `a message header needs 16 octets, got ${buf.length}`, 0, {
      length: buf.length,
    });
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const version = view.getUint16(0);
  if (version !== 10)
    throw new DecodeError('ipfix', 'bad_version', `expected version 10, got ${version}`, 0, { version });
  return {
    version: 10,
    length: view.getUint16(2),
    exportTime: view.getUint32(4),
    sequence: view.getUint32(8),
    observationDomainId: view.getUint32(12),
  };
}

/**
 * Decodes one IPFIX message (exactly: its length field must equal the buffer's length) with the
 * exporter's templates from `cache`; templates, withdrawals and options records are applied to the
 * cache. `now` stamps learned templates (default: the export time).
 */
export function decodeIpfix(
  bytes: Uint8Array,
  exporter: string,
  cache: TemplateCache,
  now?: number,
  limits: Partial<NetflowLimits> = {},
): FlowMessage<IpfixHeader> {
  const lim = { ...DEFAULT_NETFLOW_LIMITS, ...limits };
  checkMessageSize(bytes, lim, 'ipfix');
  const header = decodeIpfixHeader(bytes);
  if (header.length < IPFIX_HEADER_BYTES || header.length > bytes.length) {
    throw new DecodeError(
      'ipfix',
      header.length > bytes.length ? 'truncated' : 'length_mismatch',
      `header announces ${header.length} octets, got ${bytes.length}`,
      2,
      {
        expected: header.length,
        actual: bytes.length,
      },
    );
  }
  if (header.length < bytes.length) {
    throw new DecodeError(
      'ipfix',
      'length_mismatch',
      `header announces ${header.length} octets, got ${bytes.length}`,
      header.length,
      {
        expected: header.length,
        actual: bytes.length,
      },
    );
  }
  return decodeSets(
    header,
    bytes,
    { start: IPFIX_HEADER_BYTES, end: header.length },
    { exporter, cache, learnedAt: now ?? header.exportTime * 1000, limits: lim },
    'ipfix',
    (v, id, start, end) => {
      if (id === TEMPLATE_SET_ID || id === OPTIONS_TEMPLATE_SET_ID) {
        templateSet(v.ctx, bytes, v.view, id, start, end, v.learnedAt, v.maxFields, v.msg);
      } else if (id >= 256) {
        dataSetOrPending(v.ctx, bytes, v.view, id, start, end, v.msg);
      } else {
        v.msg.counters.unknownSets++;
      }
    },
  );
}

function withdraw(
  ctx: SetContext,
  setId: number,
  templateId: number,
  at: number,
  msg: FlowMessage<IpfixHeader>,
): boolean {
  const { cache, exporter, domain } = ctx;
  if (templateId === setId) {
    msg.templatesWithdrawn += cache.withdrawAll(10, exporter, domain, setId === OPTIONS_TEMPLATE_SET_ID);
  } else if (templateId >= 256) {
    if (cache.withdraw(10, exporter, domain, templateId)) msg.templatesWithdrawn++;
    else msg.counters.unknownWithdrawals++;
  } else {
    msg.errors.push(
      setError(ctx, 'bad_template_id', `withdrawal of template id ${templateId}`, at, templateId),
    );
    return false;
  }
  return true;
}

function templateSet(
  ctx: SetContext,
  buf: Uint8Array,
  view: DataView,
  setId: number,
  start: number,
  end: number,
  learnedAt: number,
  maxFields: number,
  msg: FlowMessage<IpfixHeader>,
): void {
  const options = setId === OPTIONS_TEMPLATE_SET_ID;
  let at = start;
  while (end - at >= 4) {
    const templateId = u16(buf, at);
    const count = u16(buf, at + 2);
    if (templateId === 0 && count === 0) break; // zero padding
    if (count === 0) {
      if (!withdraw(ctx, setId, templateId, at, msg)) return;
      at += 4;
      continue;
    }
    if (templateId < 256) {
      msg.errors.push(
        setError(
          ctx,
          'bad_template_id',
          `template id ${templateId}; templates are 256–65535`,
          at,
          templateId,
        ),
      );
      return;
    }
    if (count > maxFields) {
      msg.errors.push(
        setError(ctx, 'field_count_limit', `${count} fields, limit ${maxFields}`, at, templateId),
      );
      return;
    }
    let p = at + 4;
    let scopeFieldCount = 0;
    if (options) {
      if (end - p < 2) {
        msg.errors.push(
          setError(ctx, 'template_overrun', 'scope field count runs past the set', at, templateId),
        );
        return;
      }
      scopeFieldCount = u16(buf, p);
      p += 2;
      if (scopeFieldCount === 0 || scopeFieldCount > count) {
        msg.errors.push(
          setError(
            ctx,
            'bad_scope',
            `scope field count ${scopeFieldCount} of ${count} fields`,
            at,
            templateId,
          ),
        );
        return;
      }
    }
    const fields: FieldSpec[] = [];
    let fixed = 0;
    let variable = false;
    for (let i = 0; i < count; i++) {
      if (end - p < 4) break;
      const raw = u16(buf, p);
      const length = u16(buf, p + 2);
      p += 4;
      if ((raw & 0x8000) !== 0) {
        if (end - p < 4) {
          p = end + 1;
          break;
        }
        fields.push({ id: raw & 0x7fff, length, enterprise: view.getUint32(p) });
        p += 4;
      } else {
        fields.push({ id: raw, length });
      }
      if (length === VARIABLE_LENGTH) variable = true;
      else fixed += length;
    }
    if (fields.length < count) {
      msg.errors.push(
        setError(ctx, 'template_overrun', `${count} field specifiers run past the set`, at, templateId),
      );
      return;
    }
    const empty = !variable && fixed === 0;
    if (!learnTemplate(ctx, msg, { at, templateId, fields }, scopeFieldCount, learnedAt, empty)) return;
    at = p;
  }
  msg.counters.paddingOctets += end - at;
}
