/** Settings of `order-enhancer-oe` (see order-enhancer.ts for what each one does). */
import { z } from 'zod';
import { DEFAULT_KEY_GROUPS } from '../../routing/key-groups.js';
import { attributeName } from '../ap/rules.js';

const DAY_MS = 86_400_000;
const THIRTY_ONE_DAYS_MS = 31 * DAY_MS;
/** Record types per list and in all: a type list is configuration, not data. */
const MAX_RECORD_TYPES = 64;

/**
 * Causes for record closing (3GPP TS 32.298 `CauseForRecClosing`) that end a session: normalRelease
 * (0), abnormalRelease (4), cAMELInitCallRelease (5). Every other value closes a *partial* record
 * while the session goes on (TS 32.251 lists them as partial-record reasons): volumeLimit (16),
 * timeLimit (17), servingNodeChange (18), maxChangeCond (19), managementIntervention (20),
 * intraSGSNIntersystemChange (21), rATChange (22), mSTimeZoneChange (23), sGSNPLMNIDChange (24),
 * sGWChange (25), aPNAMBRChange (26), mOExceptionDataCounterReceipt (27),
 * listofDownstreamNodeChange (59). A cause wrongly taken as final loses data (the session's later
 * records are dropped as late duplicates); one wrongly taken as partial only delays the session
 * until `maxHoldMs`: so values whose meaning depends on the deployment (20) are not final here.
 */
export const DEFAULT_FINAL_CAUSES: readonly number[] = [0, 4, 5];

const nameList = (defaults: readonly string[]) =>
  z
    .array(z.string().min(1, 'a record type name'))
    .max(MAX_RECORD_TYPES)
    .default(() => [...defaults]);

const attributeList = (defaults: readonly string[]) =>
  z
    .array(attributeName)
    .min(1, 'at least one attribute')
    .max(16)
    .default(() => [...defaults])
    .refine((xs) => new Set(xs).size === xs.length, 'each attribute once');

export const recordTypeLists = z.strictObject({
  /** G-CDR rule: complete when a final record and every sequence number 1..n are there. */
  complete: nameList(['ggsnPDPRecord', 'egsnPDPRecord', 'pGWRecord', 'sGWRecord']),
  /** S-CDR rule: complete after `inactivityTimeoutMs` of tick time without a record. */
  timeout: nameList(['sgsnPDPRecord']),
  /** One record per session: forwarded untracked. */
  passThrough: nameList(['sgsnMMRecord', 'sgsnSMORecord', 'sgsnSMTRecord']),
});

export const orderEnhancerOeSettings = z
  .strictObject({
    sessionKey: attributeList(['chargingId', 'ggsnAddress']),
    recordKey: attributeList(['recordSequenceNumber', 'localSequenceNumber', 'nodeId']),
    keyGroups: z.number().int().min(1).max(65_536).default(DEFAULT_KEY_GROUPS),
    sequenceAttribute: attributeName.default('recordSequenceNumber'),
    closingAttribute: attributeName.default('causeForRecClosing'),
    /** Values of `closingAttribute` that end a session: cause numbers, or text (e.g. RADIUS "Stop"). */
    finalCauses: z
      .array(
        z.union([
          z
            .number()
            .int()
            .min(0)
            .max(2 ** 31 - 1),
          z.string().min(1).max(64),
        ]),
      )
      .min(1, 'at least one final cause')
      .max(256)
      .default(() => [...DEFAULT_FINAL_CAUSES]),
    recordTypes: recordTypeLists.default(() => recordTypeLists.parse({})),
    recordTypeAttribute: attributeName.default('recordType'),
    inactivityTimeoutMs: z
      .number()
      .int()
      .min(1)
      .max(THIRTY_ONE_DAYS_MS)
      .default(4 * 3_600_000),
    maxHoldMs: z.number().int().min(1).max(THIRTY_ONE_DAYS_MS).default(DAY_MS),
    timeAttribute: attributeName.default('recordOpeningTime'),
    processedWindowMs: z
      .number()
      .int()
      .min(1000)
      .max(366 * DAY_MS)
      .default(DAY_MS),
    /** Record times further than this ahead of the latest tick are not used (0: no check). */
    maxTimeAheadMs: z
      .number()
      .int()
      .min(0)
      .max(366 * DAY_MS)
      .default(DAY_MS),
    /** Processed sessions kept in memory; past it they go to spill segments on disk (never away). */
    maxProcessedSessions: z.number().int().min(1).max(100_000_000).default(5_000_000),
    maxOpenSessions: z.number().int().min(1).max(10_000_000).default(1_000_000),
    /**
     * Processed sessions not yet in a journal chunk, at least, before a checkpoint cuts one (and at
     * least 1/64 of those in memory); likewise open sessions changed since their latest version went
     * to a session chunk (and 1/64 of those open): fewer makes smaller checkpoints and more chunk files.
     */
    journalChunkEntries: z.number().int().min(1).max(100_000_000).default(4096),
    auditDuplicates: z.boolean().default(false),
  })
  .superRefine(
    (s, ctx) => {
      // Runs on otherwise invalid settings too, so this is reported with the other mistakes.
      const lists = (s as { recordTypes?: unknown }).recordTypes;
      if (typeof lists !== 'object' || lists === null) return;
      const seen = new Map<string, string>();
      for (const list of ['complete', 'timeout', 'passThrough'] as const) {
        const names = (lists as Record<string, unknown>)[list];
        if (!Array.isArray(names)) continue;
        names.forEach((name: unknown, index) => {
          if (typeof name !== 'string') return;
          const other = seen.get(name);
          if (other !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: ['recordTypes', list, index],
              message: `a record type in one list only ("${name}" is also in ${other})`,
            });
          } else seen.set(name, list);
        });
      }
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );

export type OrderEnhancerOeSettings = z.output<typeof orderEnhancerOeSettings>;
