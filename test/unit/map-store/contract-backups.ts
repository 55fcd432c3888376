/** The backup-list half of the store contract: fail-over to 1..N backups. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MapStoreError } from '../../../src/cluster/map-store/errors.js';
import type { BackupEntry } from '../../../src/cluster/map-store/types.js';
import { collect, node, nodesOf, type OpenHarness, type StoreHarness } from './harness.js';

const op = (host: string): BackupEntry => ({ host, status: 'operational' });
const down = (host: string): BackupEntry => ({ host, status: 'non-operational' });

const H1 = '10.0.0.1:7000';
const H2 = '10.0.0.2:7000';
const H3 = '10.0.0.3:7000';
const H4 = '[fd00::4]:7001';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => new Error('expected a rejection, the call succeeded'),
    (e: unknown) => e,
  );
  if (err instanceof MapStoreError) return err.code;
  throw err;
}

export function backupsContract(name: string, open: OpenHarness): void {
  describe(`${name}: backup lists and fail-over`, () => {
    let h: StoreHarness;
    beforeEach(async () => {
      h = await open();
      await h.store.compareAndSet(0, nodesOf(node('oe-1', { type: 'OE' })));
    });
    afterEach(async () => {
      const errors = [...h.errors];
      await h.cleanup();
      expect(errors).toEqual([]);
    });

    it('ensures a node without a backup list reads as an empty list', async () => {
      expect(await h.store.getBackups('oe-1')).toEqual([]);
    });

    it('ensures setBackups stores the list in order, bumps the version and announces the node', async () => {
      const w = await collect(h.store);
      const list = [op(H1), down(H2), op(H3)];
      expect(await h.store.setBackups('oe-1', list)).toEqual({ version: 2 });
      expect(await h.store.getBackups('oe-1')).toEqual(list);
      await w.until(2);
      expect(await h.store.setBackups('oe-1', [])).toEqual({ version: 3 });
      expect(await h.store.getBackups('oe-1')).toEqual([]);
      await w.until(3);
      await w.stop();
      expect(w.changes).toEqual([
        {
          from: 1,
          to: 2,
          added: [],
          removed: [],
          changed: [],
          notices: [{ kind: 'backups', version: 2, node: 'oe-1' }],
        },
        {
          from: 2,
          to: 3,
          added: [],
          removed: [],
          changed: [],
          notices: [{ kind: 'backups', version: 3, node: 'oe-1' }],
        },
      ]);
    });

    it('ensures malformed backup lists are refused with invalid_backups and change nothing', async () => {
      expect(await codeOf(h.store.setBackups('oe-1', [op(H1), op(H1)]))).toBe('invalid_backups');
      expect(await codeOf(h.store.setBackups('oe-1', [op('10.0.0.1')]))).toBe('invalid_backups');
      expect(await codeOf(h.store.setBackups('oe-1', [op('10.0.0.1:70000')]))).toBe('invalid_backups');
      const badStatus = [{ host: H1, status: 'up' }] as unknown as BackupEntry[];
      expect(await codeOf(h.store.setBackups('oe-1', badStatus))).toBe('invalid_backups');
      expect(await codeOf(h.store.promoteBackup('oe-1', 'not-a-host', 1))).toBe('invalid_backups');
      expect(await h.store.getBackups('oe-1')).toEqual([]);
      expect((await h.store.get()).version).toBe(1);
    });

    it('ensures promotion makes the first operational backup primary and moves the failed one last', async () => {
      await h.store.setBackups('oe-1', [op(H1), down(H2), op(H3), op(H4)]);
      const w = await collect(h.store);
      const result = await h.store.promoteBackup('oe-1', H1, 2);
      expect(result).toEqual({ result: 'promoted', primary: H3, failed: H1, version: 3 });
      expect(await h.store.getBackups('oe-1')).toEqual([op(H3), down(H2), op(H4), down(H1)]);
      expect((await h.store.get()).version).toBe(3);
      await w.until(3);
      await w.stop();
      expect(w.changes).toEqual([
        {
          from: 2,
          to: 3,
          added: [],
          removed: [],
          changed: [],
          notices: [{ kind: 'failover', version: 3, node: 'oe-1', primary: H3, failed: H1 }],
        },
      ]);
    });

    it('ensures fail-over walks 1..N backups until none is healthy', async () => {
      await h.store.setBackups('oe-1', [op(H1), op(H2), op(H3)]);
      expect(await h.store.promoteBackup('oe-1', H1, 2)).toMatchObject({ result: 'promoted', primary: H2 });
      expect(await h.store.promoteBackup('oe-1', H2, 3)).toMatchObject({ result: 'promoted', primary: H3 });
      expect(await h.store.getBackups('oe-1')).toEqual([op(H3), down(H1), down(H2)]);
      expect(await h.store.promoteBackup('oe-1', H3, 4)).toEqual({ result: 'no_healthy_backup' });
      expect(await h.store.getBackups('oe-1')).toEqual([op(H3), down(H1), down(H2)]);
      expect((await h.store.get()).version).toBe(4);
    });

    it('ensures a promotion decided on a stale version is refused with version_moved', async () => {
      await h.store.setBackups('oe-1', [op(H1), op(H2)]);
      await h.store.update((map) => map.nodes); // version 3 now
      expect(await h.store.promoteBackup('oe-1', H1, 2)).toEqual({ result: 'version_moved' });
      expect(await h.store.getBackups('oe-1')).toEqual([op(H1), op(H2)]);
      expect((await h.store.get()).version).toBe(3);
    });

    it('ensures a list with no operational backup yields no_healthy_backup and stays as it was', async () => {
      await h.store.setBackups('oe-1', [op(H1), down(H2), down(H3)]);
      expect(await h.store.promoteBackup('oe-1', H1, 2)).toEqual({ result: 'no_healthy_backup' });
      expect(await h.store.getBackups('oe-1')).toEqual([op(H1), down(H2), down(H3)]);
      expect((await h.store.get()).version).toBe(2);
    });

    it('ensures failing a host that is not the primary yields not_primary and changes nothing', async () => {
      await h.store.setBackups('oe-1', [op(H1), op(H2)]);
      expect(await h.store.promoteBackup('oe-1', H2, 2)).toEqual({ result: 'not_primary' });
      expect(await h.store.promoteBackup('oe-2', H1, 2)).toEqual({ result: 'not_primary' });
      expect(await h.store.getBackups('oe-1')).toEqual([op(H1), op(H2)]);
      expect((await h.store.get()).version).toBe(2);
    });

    it('ensures two concurrent promotions of the same failure promote exactly once', async () => {
      await h.store.setBackups('oe-1', [op(H1), op(H2), op(H3)]);
      const other = h.peer();
      const results = await Promise.all([
        h.store.promoteBackup('oe-1', H1, 2),
        other.promoteBackup('oe-1', H1, 2),
      ]);
      expect(results.filter((r) => r.result === 'promoted')).toHaveLength(1);
      expect(results.filter((r) => r.result === 'version_moved')).toHaveLength(1);
      expect(await h.store.getBackups('oe-1')).toEqual([op(H2), op(H3), down(H1)]);
    });
  });
}
