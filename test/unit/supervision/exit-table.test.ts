import { describe, expect, it } from 'vitest';
import type { ExitReason, RestartType } from '../../../src/actors/supervision/types.js';
import {
  CRASH,
  Children,
  KILLED,
  NORMAL,
  SHUTDOWN,
  SHUTDOWN_DETAIL,
  harness,
  reportKinds,
  settle,
} from './fakes.js';

type Outcome = 'restart' | 'kept' | 'deleted';

/** STYLE.md 3.3, row by row: [reason, restart type, outcome, child_terminated reported]. */
const TABLE: Array<[string, ExitReason, RestartType, Outcome, boolean]> = [
  ['normal', NORMAL, 'permanent', 'restart', true],
  ['normal', NORMAL, 'transient', 'kept', false],
  ['normal', NORMAL, 'temporary', 'deleted', false],
  ['shutdown', SHUTDOWN, 'permanent', 'restart', true],
  ['shutdown', SHUTDOWN, 'transient', 'kept', false],
  ['shutdown', SHUTDOWN, 'temporary', 'deleted', false],
  ['{shutdown, detail}', SHUTDOWN_DETAIL, 'permanent', 'restart', true],
  ['{shutdown, detail}', SHUTDOWN_DETAIL, 'transient', 'kept', false],
  ['{shutdown, detail}', SHUTDOWN_DETAIL, 'temporary', 'deleted', false],
  ['abnormal (crash)', CRASH, 'permanent', 'restart', true],
  ['abnormal (crash)', CRASH, 'transient', 'restart', true],
  ['abnormal (crash)', CRASH, 'temporary', 'deleted', true],
  ['abnormal (killed)', KILLED, 'permanent', 'restart', true],
  ['abnormal (killed)', KILLED, 'transient', 'restart', true],
  ['abnormal (killed)', KILLED, 'temporary', 'deleted', true],
];

describe('what a child exit does (3.3)', () => {
  it.each(TABLE)(
    'ensures exit %s of a %s child leads to: %s (report: %s)',
    async (_, reason, restart, outcome, report) => {
      const children = new Children();
      const { sup, reports } = harness('s', { intensity: 10 }, [
        children.spec('a', { restart }),
        children.spec('b'),
      ]);
      await sup.start();
      reports.length = 0;
      children.current('a').exit(reason);
      await settle();
      const info = await sup.whichChildren();
      const a = info.find((c) => c.id === 'a');
      if (outcome === 'restart') {
        expect(a?.status).toBe('running');
        expect(children.startsOf('a')).toBe(2);
      } else if (outcome === 'kept') {
        expect(a?.status).toBe('not_running');
        expect(children.startsOf('a')).toBe(1);
      } else {
        expect(a).toBeUndefined();
        expect(children.startsOf('a')).toBe(1);
      }
      const terminated = reports.filter((r) => r.kind === 'child_terminated');
      expect(terminated).toHaveLength(report ? 1 : 0);
      if (report)
        expect(terminated[0]).toMatchObject({ reason, offender: { id: 'a', handle: 'a#1', restart } });
      expect(info.find((c) => c.id === 'b')?.status).toBe('running');
      expect(children.startsOf('b')).toBe(1);
    },
  );

  it.each<[string, ExitReason, RestartType]>([
    ['normal', NORMAL, 'transient'],
    ['{shutdown, detail}', SHUTDOWN_DETAIL, 'transient'],
    ['normal', NORMAL, 'temporary'],
    ['abnormal', CRASH, 'temporary'],
  ])(
    'ensures a no-restart outcome (%s exit of a %s child) never touches siblings under one_for_all',
    async (_, reason, restart) => {
      const children = new Children();
      const specs = [children.spec('a'), children.spec('b', { restart }), children.spec('c')];
      const { sup } = harness('s', { strategy: 'one_for_all', intensity: 0 }, specs);
      await sup.start();
      children.current('b').exit(reason);
      await settle();
      expect(children.events('shutdown:', 'kill:')).toEqual([]);
      expect(children.startsOf('a') + children.startsOf('c')).toBe(2);
      expect((await sup.countChildren()).active).toBe(2);
    },
  );

  it('ensures only restart outcomes count toward intensity', async () => {
    const children = new Children();
    const specs = [children.spec('t', { restart: 'transient' }), children.spec('p')];
    const { sup, reports } = harness('s', { intensity: 0 }, specs);
    await sup.start();
    children.current('t').exit(NORMAL);
    await settle();
    expect(await sup.countChildren()).toMatchObject({ specs: 2, active: 1 });
    children.current('p').exit(NORMAL);
    expect(await sup.ended).toEqual({ cause: 'reached_max_restart_intensity', reason: { kind: 'shutdown' } });
    expect(reportKinds(reports).slice(-2)).toEqual(['child_terminated:p', 'shutdown:p']);
  });

  it('ensures the exit of a child the supervisor terminated itself is neither restarted nor reported', async () => {
    const children = new Children();
    const { sup, reports } = harness('s', { intensity: 5 }, [children.spec('a')]);
    await sup.start();
    await sup.terminateChild('a');
    await settle();
    expect(children.log).toEqual(['start:a', 'shutdown:a', 'exit:a:shutdown']);
    expect(reports.filter((r) => r.kind === 'child_terminated')).toEqual([]);
    expect((await sup.whichChildren())[0]?.status).toBe('not_running');
  });
});
