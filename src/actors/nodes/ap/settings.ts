/** Settings of `aggregate-ap` (see aggregate.ts for what each one does). */
import { z } from 'zod';
import { conditionText } from '../../rules/expression/index.js';
import { aggregateRules, attributeName, ruleAttributes } from './rules.js';

const THIRTY_ONE_DAYS_MS = 31 * 86_400_000;

export const aggregateApSettings = z
  .strictObject({
    flowEnd: conditionText.optional(),
    flushIntervalMs: z.number().int().min(0).max(THIRTY_ONE_DAYS_MS).default(60_000),
    idleTimeoutMs: z.number().int().min(0).max(THIRTY_ONE_DAYS_MS).default(300_000),
    maxKeys: z.number().int().min(1).max(10_000_000).default(100_000),
    idAttribute: attributeName.default('narId'),
    flushOnDrain: z.boolean().default(false),
    rules: aggregateRules,
  })
  .superRefine(
    (s, ctx) => {
      // Runs on invalid settings too, so this is reported with the other mistakes.
      const id = (s as { idAttribute?: unknown }).idAttribute;
      if (typeof id === 'string' && ruleAttributes((s as { rules?: unknown }).rules).includes(id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['idAttribute'],
          message: `an attribute the rules do not use ("${id}" is in the rules)`,
        });
      }
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );
export type AggregateApSettings = z.output<typeof aggregateApSettings>;
