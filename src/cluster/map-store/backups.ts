/**
 * The fail-over rule on a backup list, as a pure function. The Redis store runs the same rule inside
 * `lua/promote-backup-3.ts`; the shared contract tests hold both to it.
 */
import type { BackupEntry } from './types.js';

export type PromotionPlan =
  | { kind: 'promoted'; primary: string; list: BackupEntry[] }
  | { kind: 'not_primary' }
  | { kind: 'no_healthy_backup' };

/**
 * The first operational backup becomes primary; the other backups keep their order; the failed
 * primary goes last, non-operational. Nothing changes unless `failed` is the current primary and a
 * healthy backup exists.
 */
export function planPromotion(list: readonly BackupEntry[], failed: string): PromotionPlan {
  const head = list[0];
  if (head === undefined || head.host !== failed) return { kind: 'not_primary' };
  const pick = list.findIndex((entry, i) => i > 0 && entry.status === 'operational');
  const promoted = list[pick];
  if (pick < 0 || promoted === undefined) return { kind: 'no_healthy_backup' };
  const rest = list.filter((_, i) => i !== 0 && i !== pick);
  return {
    kind: 'promoted',
    primary: promoted.host,
    list: [
      { host: promoted.host, status: 'operational' },
      ...rest.map((e) => ({ host: e.host, status: e.status })),
      { host: failed, status: 'non-operational' },
    ],
  };
}
