/**
 * The template cache of NetFlow v9 and IPFIX decoding, keyed by (protocol version, exporter,
 * observation domain / source id, template id), plus the per-domain state learned from options
 * records (sampling intervals, system init time). Explicit, passed in, and serializable to plain
 * data so a collector's checkpoint can hold it (STYLE habit 7).
 *
 * Bounds: at most `maxTemplatesPerExporter` templates per (version, exporter) and `maxTemplates` in
 * all; learning one more evicts the oldest (least recently learned or refreshed) and counts an
 * eviction. Sampling and init-time entries are capped by `maxSamplingEntries` the same way.
 */
import { DecodeError } from '../errors.js';
import { compilePlan, type FieldSpec, type RecordPlan } from './plan.js';

export interface TemplateDefinition {
  templateId: number;
  fields: FieldSpec[];
  /** Scope fields at the start of `fields`: 0 for a data template, ≥ 1 for an options template. */
  scopeFieldCount: number;
}

export interface CachedTemplate extends TemplateDefinition {
  version: 9 | 10;
  exporter: string;
  observationDomainId: number;
  /** Milliseconds since the epoch when it was last learned or refreshed. */
  learnedAt: number;
}

/** A cached template with its compiled field plan. */
export interface CompiledTemplate {
  readonly template: Readonly<CachedTemplate>;
  readonly plan: RecordPlan;
}

export interface SamplingEntry {
  version: 9 | 10;
  exporter: string;
  observationDomainId: number;
  /** samplerId / selectorId the interval belongs to; absent for the domain-wide interval. */
  samplerId?: number;
  interval: number;
}

export interface SystemInitEntry {
  version: 9 | 10;
  exporter: string;
  observationDomainId: number;
  /** systemInitTimeMilliseconds: the exporter's boot time, ms since the epoch. */
  ms: number;
}

export interface TemplateCacheSnapshot {
  format: 1;
  /** Oldest first. */
  templates: CachedTemplate[];
  sampling: SamplingEntry[];
  systemInit: SystemInitEntry[];
  evictions: number;
}

export interface TemplateCacheLimits {
  maxTemplatesPerExporter: number;
  maxTemplates: number;
  maxFieldsPerTemplate: number;
  maxSamplingEntries: number;
}

export const DEFAULT_TEMPLATE_CACHE_LIMITS: Readonly<TemplateCacheLimits> = Object.freeze({
  maxTemplatesPerExporter: 4096,
  maxTemplates: 65_536,
  maxFieldsPerTemplate: 512,
  maxSamplingEntries: 65_536,
});

export type LearnOutcome = 'new' | 'refreshed' | 'replaced';

interface Entry {
  template: CachedTemplate;
  compiled: CompiledTemplate;
}

const exporterKey = (version: number, exporter: string): string => `${version}|${exporter}`;
const domainKey = (version: number, exporter: string, domain: number): string =>
  `${version}|${exporter}|${domain}`;

function sameFields(a: readonly FieldSpec[], b: readonly FieldSpec[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as FieldSpec;
    const y = b[i] as FieldSpec;
    if (x.id !== y.id || x.length !== y.length || (x.enterprise ?? 0) !== (y.enterprise ?? 0)) return false;
  }
  return true;
}

export class TemplateCache {
  readonly limits: Readonly<TemplateCacheLimits>;
  /** Templates evicted to respect the limits. */
  evictions = 0;
  /** Sampling or init-time entries evicted to respect the limit. */
  samplingEvictions = 0;
  /** All templates by `${version}|${exporter}|${domain}|${id}`; insertion order is age. */
  readonly #all = new Map<string, Entry>();
  /** The same entries grouped by `${version}|${exporter}`, also oldest first. */
  readonly #byExporter = new Map<string, Map<string, Entry>>();
  readonly #sampling = new Map<string, SamplingEntry>();
  readonly #systemInit = new Map<string, SystemInitEntry>();

  constructor(limits?: Partial<TemplateCacheLimits>) {
    const filled = { ...DEFAULT_TEMPLATE_CACHE_LIMITS, ...limits };
    for (const [k, v] of Object.entries(filled)) {
      if (!Number.isInteger(v) || v < 1)
        throw new RangeError(`TemplateCacheLimits.${k}: expected a positive integer, got ${String(v)}`);
    }
    this.limits = Object.freeze(filled);
  }

  /** Templates held. */
  get size(): number {
    return this.#all.size;
  }

  /** The template, compiled, or undefined. */
  get(version: 9 | 10, exporter: string, domain: number, templateId: number): CompiledTemplate | undefined {
    return this.#all.get(`${version}|${exporter}|${domain}|${templateId}`)?.compiled;
  }

  /**
   * Adds or refreshes a template. The same definition again is `refreshed` (it becomes the newest);
   * a different one under the same id is `replaced` (RFC 7011 §8.1 for UDP, RFC 3954 §5.2).
   */
  learn(t: CachedTemplate): LearnOutcome {
    if (t.fields.length > this.limits.maxFieldsPerTemplate) {
      throw new RangeError(
        `template ${t.templateId}: ${t.fields.length} fields, limit ${this.limits.maxFieldsPerTemplate}`,
      );
    }
    const ek = exporterKey(t.version, t.exporter);
    const key = `${ek}|${t.observationDomainId}|${t.templateId}`;
    const old = this.#all.get(key);
    let group = this.#byExporter.get(ek);
    let outcome: LearnOutcome = 'new';
    let entry: Entry;
    if (old !== undefined) {
      this.#all.delete(key);
      group?.delete(key);
      if (sameFields(old.template.fields, t.fields) && old.template.scopeFieldCount === t.scopeFieldCount) {
        old.template.learnedAt = t.learnedAt;
        entry = old;
        outcome = 'refreshed';
      } else {
        entry = this.#compile(t);
        outcome = 'replaced';
      }
    } else {
      entry = this.#compile(t);
      if (group !== undefined && group.size >= this.limits.maxTemplatesPerExporter) {
        this.#evict(group.keys().next().value as string);
      }
      if (this.#all.size >= this.limits.maxTemplates) this.#evict(this.#all.keys().next().value as string);
    }
    if (group === undefined || !this.#byExporter.has(ek)) {
      group = new Map();
      this.#byExporter.set(ek, group);
    }
    this.#all.set(key, entry);
    group.set(key, entry);
    return outcome;
  }

  /** Removes one template (IPFIX withdrawal); whether it was there. */
  withdraw(version: 9 | 10, exporter: string, domain: number, templateId: number): boolean {
    const key = `${exporterKey(version, exporter)}|${domain}|${templateId}`;
    if (!this.#all.has(key)) return false;
    this.#remove(key);
    return true;
  }

  /** Removes every data template (`options` false) or options template of a domain; how many. */
  withdrawAll(version: 9 | 10, exporter: string, domain: number, options: boolean): number {
    const group = this.#byExporter.get(exporterKey(version, exporter));
    if (group === undefined) return 0;
    const doomed: string[] = [];
    for (const [key, e] of group) {
      if (e.template.observationDomainId === domain && e.template.scopeFieldCount > 0 === options)
        doomed.push(key);
    }
    for (const key of doomed) this.#remove(key);
    return doomed.length;
  }

  /** Drops templates last learned before `ms` (template timeout of UDP exporters); how many. */
  expireOlderThan(ms: number): number {
    const doomed: string[] = [];
    for (const [key, e] of this.#all) if (e.template.learnedAt < ms) doomed.push(key);
    for (const key of doomed) this.#remove(key);
    return doomed.length;
  }

  /** Records the sampling interval of a domain, or of one sampler in it. */
  setSampling(e: SamplingEntry): void {
    const key = `${domainKey(e.version, e.exporter, e.observationDomainId)}|${e.samplerId ?? ''}`;
    this.#sampling.delete(key);
    if (this.#sampling.size >= this.limits.maxSamplingEntries) {
      this.#sampling.delete(this.#sampling.keys().next().value as string);
      this.samplingEvictions++;
    }
    this.#sampling.set(key, { ...e });
  }

  /** The sampler's interval when known, else the domain's, else undefined. */
  samplingFor(version: 9 | 10, exporter: string, domain: number, samplerId?: number): number | undefined {
    const base = domainKey(version, exporter, domain);
    if (samplerId !== undefined) {
      const s = this.#sampling.get(`${base}|${samplerId}`);
      if (s !== undefined) return s.interval;
    }
    return this.#sampling.get(`${base}|`)?.interval;
  }

  /** Records systemInitTimeMilliseconds learned from an options record. */
  setSystemInit(e: SystemInitEntry): void {
    const key = domainKey(e.version, e.exporter, e.observationDomainId);
    this.#systemInit.delete(key);
    if (this.#systemInit.size >= this.limits.maxSamplingEntries) {
      this.#systemInit.delete(this.#systemInit.keys().next().value as string);
      this.samplingEvictions++;
    }
    this.#systemInit.set(key, { ...e });
  }

  /** The exporter's init time for a domain, when an options record told it. */
  systemInitFor(version: 9 | 10, exporter: string, domain: number): number | undefined {
    return this.#systemInit.get(domainKey(version, exporter, domain))?.ms;
  }

  /** Plain data holding everything, oldest template first; `restore` rebuilds the cache. */
  snapshot(): TemplateCacheSnapshot {
    return {
      format: 1,
      templates: [...this.#all.values()].map(({ template: t }) => ({
        ...t,
        fields: t.fields.map((f) => ({ ...f })),
      })),
      sampling: [...this.#sampling.values()].map((e) => ({ ...e })),
      systemInit: [...this.#systemInit.values()].map((e) => ({ ...e })),
      evictions: this.evictions,
    };
  }

  /** The snapshot, so `JSON.stringify(cache)` works. */
  toJSON(): TemplateCacheSnapshot {
    return this.snapshot();
  }

  /** A cache from a snapshot (or its JSON parse); malformed data is a `bad_snapshot` DecodeError. */
  static restore(data: unknown, limits?: Partial<TemplateCacheLimits>): TemplateCache {
    const cache = new TemplateCache(limits);
    const snap = checkSnapshot(data, cache.limits.maxFieldsPerTemplate);
    for (const t of snap.templates) cache.learn(t);
    for (const s of snap.sampling) cache.setSampling(s);
    for (const s of snap.systemInit) cache.setSystemInit(s);
    cache.evictions += snap.evictions;
    return cache;
  }

  #compile(t: CachedTemplate): Entry {
    const template: CachedTemplate = { ...t, fields: t.fields.map((f) => ({ ...f })) };
    const plan = compilePlan(template.fields, template.version === 9 ? template.scopeFieldCount : 0);
    return { template, compiled: { template, plan } };
  }

  #evict(key: string): void {
    this.#remove(key);
    this.evictions++;
  }

  #remove(key: string): void {
    const e = this.#all.get(key);
    if (e === undefined) return;
    this.#all.delete(key);
    const ek = exporterKey(e.template.version, e.template.exporter);
    const group = this.#byExporter.get(ek);
    group?.delete(key);
    if (group !== undefined && group.size === 0) this.#byExporter.delete(ek);
  }
}

function bad(message: string): DecodeError {
  return new DecodeError('netflow', 'bad_snapshot', message);
}

const isUint = (v: unknown, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

function checkOwner(o: Record<string, unknown>, at: string): void {
  if (o['version'] !== 9 && o['version'] !== 10) throw bad(`${at}.version: expected 9 or 10`);
  if (typeof o['exporter'] !== 'string') throw bad(`${at}.exporter: expected a string`);
  if (!isUint(o['observationDomainId'], 0xffffffff))
    throw bad(`${at}.observationDomainId: expected a uint32`);
}

function records(v: unknown, at: string): Record<string, unknown>[] {
  if (!Array.isArray(v)) throw bad(`${at}: expected an array`);
  return v.map((x, i) => {
    if (typeof x !== 'object' || x === null) throw bad(`${at}[${i}]: expected an object`);
    return x as Record<string, unknown>;
  });
}

function checkSnapshot(data: unknown, maxFields: number): TemplateCacheSnapshot {
  if (typeof data !== 'object' || data === null) throw bad('expected an object');
  const o = data as Record<string, unknown>;
  if (o['format'] !== 1) throw bad(`format: expected 1, got ${String(o['format'])}`);
  records(o['templates'], 'templates').forEach((t, i) => {
    const at = `templates[${i}]`;
    checkOwner(t, at);
    if (!isUint(t['templateId'], 0xffff) || t['templateId'] < 256)
      throw bad(`${at}.templateId: expected 256–65535`);
    if (typeof t['learnedAt'] !== 'number' || !Number.isFinite(t['learnedAt']))
      throw bad(`${at}.learnedAt: expected a number`);
    const fields = records(t['fields'], `${at}.fields`);
    if (fields.length < 1 || fields.length > maxFields)
      throw bad(`${at}.fields: expected 1–${maxFields} fields`);
    if (!isUint(t['scopeFieldCount'], fields.length))
      throw bad(`${at}.scopeFieldCount: expected 0–${fields.length}`);
    fields.forEach((f, j) => {
      if (!isUint(f['id'], 0xffff) || !isUint(f['length'], 0xffff))
        throw bad(`${at}.fields[${j}]: expected id and length 0–65535`);
      if (f['enterprise'] !== undefined && !isUint(f['enterprise'], 0xffffffff))
        throw bad(`${at}.fields[${j}].enterprise: expected a uint32`);
    });
  });
  records(o['sampling'], 'sampling').forEach((s, i) => {
    checkOwner(s, `sampling[${i}]`);
    if (typeof s['interval'] !== 'number' || !(s['interval'] > 0))
      throw bad(`sampling[${i}].interval: expected a positive number`);
    if (s['samplerId'] !== undefined && typeof s['samplerId'] !== 'number')
      throw bad(`sampling[${i}].samplerId: expected a number`);
  });
  records(o['systemInit'], 'systemInit').forEach((s, i) => {
    checkOwner(s, `systemInit[${i}]`);
    if (typeof s['ms'] !== 'number' || !Number.isFinite(s['ms']))
      throw bad(`systemInit[${i}].ms: expected a number`);
  });
  if (!isUint(o['evictions'], Number.MAX_SAFE_INTEGER))
    throw bad('evictions: expected a non-negative integer');
  return data as TemplateCacheSnapshot;
}
