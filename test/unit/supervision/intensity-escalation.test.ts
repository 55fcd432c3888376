import { describe, expect, it } from 'vitest';
import type { SupervisorReport } from '../../../src/actors/supervision/reports.js';
import { Supervisor, supervisorChildSpec } from '../../../src/actors/supervision/supervisor.js';
import type { RestartType } from '../../../src/actors/supervision/types.js';
import {
  CRASH,
  Children,
  FakeClock,
  harness,
  reportKinds,
  settle,
  silentLogger,
  waitUntil,
} from './fakes.js';

describe('restart intensity in a supervisor (3.5)', () => {
  it('ensures intensity 0 gives up on the first restart: report, others stopped in reverse order, exit shutdown', async () => {
    const children = new Children();
    const specs = [children.spec('a'), children.spec('b'), children.spec('c', { shutdown: 'brutal_kill' })];
    const { sup, reports } = harness('root', { intensity: 0 }, specs);
    await sup.start();
    reports.length = 0;
    children.current('b').exit(CRASH);
    expect(await sup.exited).toEqual({ kind: 'shutdown' });
    expect((await sup.ended).cause).toBe('reached_max_restart_intensity');
    expect(children.log.slice(3)).toEqual([
      'exit:b:abnormal',
      'kill:c',
      'exit:c:killed',
      'shutdown:a',
      'exit:a:shutdown',
    ]);
    expect(reports).toEqual<SupervisorReport[]>([
      {
        kind: 'child_terminated',
        supervisor: 'root',
        reason: CRASH,
        offender: { id: 'b', handle: 'b#1', restart: 'permanent', shutdown: 5000, type: 'worker' },
      },
      {
        kind: 'shutdown',
        supervisor: 'root',
        reason: 'reached_max_restart_intensity',
        offender: { id: 'b', handle: 'b#1', restart: 'permanent', shutdown: 5000, type: 'worker' },
      },
    ]);
  });

  it('ensures intensity 1 tolerates one restart and gives up on a second exactly on the period boundary', async () => {
    const children = new Children();
    const { sup, clock } = harness('s', { intensity: 1, period: 5 }, [children.spec('a')]);
    await sup.start();
    children.current('a').exit(CRASH);
    await settle();
    expect(children.startsOf('a')).toBe(2);
    await clock.advance(5000);
    children.current('a').exit(CRASH);
    expect((await sup.ended).cause).toBe('reached_max_restart_intensity');
    expect(children.startsOf('a')).toBe(2);
  });

  it('ensures a restart one millisecond past the period no longer counts the earlier one', async () => {
    const children = new Children();
    const { sup, clock } = harness('s', { intensity: 1, period: 5 }, [children.spec('a')]);
    await sup.start();
    children.current('a').exit(CRASH);
    await settle();
    await clock.advance(5001);
    children.current('a').exit(CRASH);
    await settle();
    expect(children.startsOf('a')).toBe(3);
    expect((await sup.countChildren()).active).toBe(1);
  });

  it('ensures management calls are refused once the supervisor gave up', async () => {
    const children = new Children();
    const { sup } = harness('s', { intensity: 0 }, [children.spec('a')]);
    await sup.start();
    children.current('a').exit(CRASH);
    await sup.ended;
    await expect(sup.startChild(children.spec('b'))).rejects.toMatchObject({
      code: 'supervisor_not_running',
    });
  });
});

interface Tree {
  readonly root: Supervisor;
  readonly inner: Supervisor[];
  readonly workers: Children;
  readonly rootReports: SupervisorReport[];
  readonly clock: FakeClock;
}

function tree(innerRestart: RestartType, rootIntensity = 1): Tree {
  const workers = new Children();
  const clock = new FakeClock();
  const inner: Supervisor[] = [];
  const rootReports: SupervisorReport[] = [];
  const create = (): Supervisor => {
    const s = new Supervisor('inner', { intensity: 0 }, [workers.spec('w1'), workers.spec('w2')], {
      logger: silentLogger,
      clock,
    });
    inner.push(s);
    return s;
  };
  const root = new Supervisor(
    'root',
    { intensity: rootIntensity },
    [workers.spec('r1'), supervisorChildSpec('inner', create, { restart: innerRestart })],
    { logger: silentLogger, clock, onReport: (r) => rootReports.push(r) },
  );
  return { root, inner, workers, rootReports, clock };
}

describe('escalation through a supervisor tree (3.5)', () => {
  it('ensures a child supervisor that gives up is restarted by its parent and counted against its intensity', async () => {
    const t = tree('permanent');
    await t.root.start();
    expect(t.workers.log).toEqual(['start:r1', 'start:w1', 'start:w2']);
    t.workers.current('w2').exit(CRASH);
    await waitUntil(() => t.inner.length === 2, 'a fresh inner supervisor');
    expect(await t.inner[0]?.ended).toEqual({
      cause: 'reached_max_restart_intensity',
      reason: { kind: 'shutdown' },
    });
    await settle();
    expect(t.workers.startsOf('w1')).toBe(2);
    const terminated = t.rootReports.find((r) => r.kind === 'child_terminated');
    expect(terminated).toMatchObject({
      reason: { kind: 'shutdown' },
      offender: { id: 'inner', handle: 'supervisor:inner', type: 'supervisor', shutdown: 'infinity' },
    });
    // A second give-up inside the root's period exceeds the root's intensity of 1.
    t.workers.current('w1').exit(CRASH);
    expect(await t.root.ended).toEqual({
      cause: 'reached_max_restart_intensity',
      reason: { kind: 'shutdown' },
    });
    expect(reportKinds(t.rootReports).slice(-2)).toEqual(['child_terminated:inner', 'shutdown:inner']);
    expect(t.workers.current('r1').alive).toBe(false);
  });

  it.each<RestartType>(['transient', 'temporary'])(
    'ensures a %s child supervisor that gives up is not restarted, because shutdown is not abnormal',
    async (restart) => {
      const t = tree(restart);
      await t.root.start();
      t.workers.current('w1').exit(CRASH);
      await t.inner[0]?.ended;
      await settle();
      expect(t.inner).toHaveLength(1);
      expect(t.rootReports.filter((r) => r.kind === 'child_terminated')).toEqual([]);
      const info = await t.root.whichChildren();
      expect(info.map((c) => `${c.id}:${c.status}`)).toEqual(
        restart === 'transient' ? ['r1:running', 'inner:not_running'] : ['r1:running'],
      );
    },
  );

  it('ensures stopping the root stops the child supervisor in order, its exit judged clean', async () => {
    const t = tree('permanent');
    await t.root.start();
    await t.root.stop();
    expect(t.workers.log.slice(3)).toEqual([
      'shutdown:w2',
      'exit:w2:shutdown',
      'shutdown:w1',
      'exit:w1:shutdown',
      'shutdown:r1',
      'exit:r1:shutdown',
    ]);
    expect(t.rootReports.filter((r) => r.kind === 'shutdown_error')).toEqual([]);
    expect(await t.inner[0]?.ended).toEqual({ cause: 'stopped', reason: { kind: 'shutdown' } });
  });

  it('ensures killing the root kills every descendant and ends it with killed', async () => {
    const t = tree('permanent');
    await t.root.start();
    t.root.kill();
    expect(await t.root.ended).toEqual({ cause: 'killed', reason: { kind: 'killed' } });
    expect(t.workers.events('kill:').sort()).toEqual(['kill:r1', 'kill:w1', 'kill:w2']);
    expect(t.workers.events('shutdown:')).toEqual([]);
    expect(await t.inner[0]?.exited).toEqual({ kind: 'killed' });
  });
});
