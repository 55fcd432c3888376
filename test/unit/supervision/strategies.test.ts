import { describe, expect, it } from 'vitest';
import { CRASH, Children, NORMAL, harness, reportKinds, settle } from './fakes.js';

function ids(info: Array<{ id: string; status: string }>): string[] {
  return info.map((c) => `${c.id}:${c.status}`);
}

describe('start and stop order (3.6)', () => {
  it('ensures children start in list order and stop in reverse order, each by its shutdown spec', async () => {
    const children = new Children();
    const specs = [children.spec('a'), children.spec('b', { shutdown: 'brutal_kill' }), children.spec('c')];
    const { sup } = harness('s', {}, specs);
    expect((await sup.start()).kind).toBe('started');
    expect(children.log).toEqual(['start:a', 'start:b', 'start:c']);
    await sup.stop();
    expect(children.log.slice(3)).toEqual([
      'shutdown:c',
      'exit:c:shutdown',
      'kill:b',
      'exit:b:killed',
      'shutdown:a',
      'exit:a:shutdown',
    ]);
    expect(await sup.ended).toEqual({ cause: 'stopped', reason: { kind: 'shutdown' } });
  });

  it('ensures a shutdown error during stop is reported and the sequence continues', async () => {
    const children = new Children();
    const specs = [children.spec('a'), children.spec('b', { onShutdown: NORMAL }), children.spec('c')];
    const { sup, reports } = harness('s', {}, specs);
    await sup.start();
    await sup.stop();
    expect(children.events('shutdown:')).toEqual(['shutdown:c', 'shutdown:b', 'shutdown:a']);
    expect(reports.filter((r) => r.kind === 'shutdown_error')).toMatchObject([
      { reason: NORMAL, offender: { id: 'b', handle: 'b#1', restart: 'permanent' } },
    ]);
  });

  it('ensures a child started at run time is appended at the end of the start order', async () => {
    const children = new Children();
    const { sup } = harness('s', { strategy: 'rest_for_one', intensity: 5 }, [
      children.spec('a'),
      children.spec('b'),
    ]);
    await sup.start();
    await sup.startChild(children.spec('late'));
    children.current('a').exit(CRASH);
    await settle();
    expect(children.log.slice(3)).toEqual([
      'exit:a:abnormal',
      'shutdown:late',
      'exit:late:shutdown',
      'shutdown:b',
      'exit:b:shutdown',
      'start:a',
      'start:b',
      'start:late',
    ]);
  });
});

describe('restart strategies (3.4)', () => {
  it('ensures one_for_one restarts only the child that died', async () => {
    const children = new Children();
    const { sup } = harness('s', {}, [children.spec('a'), children.spec('b'), children.spec('c')]);
    await sup.start();
    children.current('b').exit(CRASH);
    await settle();
    expect(children.log.slice(3)).toEqual(['exit:b:abnormal', 'start:b']);
    expect(ids(await sup.whichChildren())).toEqual(['a:running', 'b:running', 'c:running']);
  });

  it('ensures one_for_all stops every other child in reverse start order, then starts all in start order', async () => {
    const children = new Children();
    const specs = [children.spec('a'), children.spec('b'), children.spec('c', { shutdown: 'brutal_kill' })];
    const { sup, reports } = harness('s', { strategy: 'one_for_all' }, specs);
    await sup.start();
    reports.length = 0;
    children.current('b').exit(CRASH);
    await settle();
    expect(children.log.slice(3)).toEqual([
      'exit:b:abnormal',
      'kill:c',
      'exit:c:killed',
      'shutdown:a',
      'exit:a:shutdown',
      'start:a',
      'start:b',
      'start:c',
    ]);
    // Siblings stopped by the strategy are not themselves child_terminated.
    expect(reportKinds(reports)).toEqual(['child_terminated:b', 'progress:a', 'progress:b', 'progress:c']);
  });

  it('ensures rest_for_one stops the children after the dead one in reverse order and restarts them in order', async () => {
    const children = new Children();
    const specs = ['a', 'b', 'c', 'd'].map((id) => children.spec(id));
    const { sup } = harness('s', { strategy: 'rest_for_one' }, specs);
    await sup.start();
    children.current('b').exit(CRASH);
    await settle();
    expect(children.log.slice(4)).toEqual([
      'exit:b:abnormal',
      'shutdown:d',
      'exit:d:shutdown',
      'shutdown:c',
      'exit:c:shutdown',
      'start:b',
      'start:c',
      'start:d',
    ]);
    expect(children.startsOf('a')).toBe(1);
  });

  it('ensures one_for_all deletes temporary siblings instead of restarting them', async () => {
    const children = new Children();
    const specs = [children.spec('a'), children.spec('t', { restart: 'temporary' }), children.spec('c')];
    const { sup } = harness('s', { strategy: 'one_for_all' }, specs);
    await sup.start();
    children.current('c').exit(CRASH);
    await settle();
    expect(children.log.slice(3)).toEqual([
      'exit:c:abnormal',
      'shutdown:t',
      'exit:t:shutdown',
      'shutdown:a',
      'exit:a:shutdown',
      'start:a',
      'start:c',
    ]);
    expect(ids(await sup.whichChildren())).toEqual(['a:running', 'c:running']);
  });

  it('ensures rest_for_one deletes temporary children after the dead one and keeps those before it', async () => {
    const children = new Children();
    const specs = [
      children.spec('t0', { restart: 'temporary' }),
      children.spec('b'),
      children.spec('t1', { restart: 'temporary' }),
      children.spec('d'),
    ];
    const { sup } = harness('s', { strategy: 'rest_for_one' }, specs);
    await sup.start();
    children.current('b').exit(CRASH);
    await settle();
    expect(children.log.slice(4)).toEqual([
      'exit:b:abnormal',
      'shutdown:d',
      'exit:d:shutdown',
      'shutdown:t1',
      'exit:t1:shutdown',
      'start:b',
      'start:d',
    ]);
    expect(ids(await sup.whichChildren())).toEqual(['t0:running', 'b:running', 'd:running']);
  });

  it('ensures one_for_all also starts non-temporary children that were not running', async () => {
    const children = new Children();
    const specs = [children.spec('a'), children.spec('t', { restart: 'transient' }), children.spec('c')];
    const { sup } = harness('s', { strategy: 'one_for_all' }, specs);
    await sup.start();
    children.current('t').exit(NORMAL);
    await settle();
    children.current('c').exit(CRASH);
    await settle();
    expect(children.events('start:')).toEqual([
      'start:a',
      'start:t',
      'start:c',
      'start:a',
      'start:t',
      'start:c',
    ]);
  });

  it('ensures a one_for_all or rest_for_one restart counts as a single restart', async () => {
    for (const strategy of ['one_for_all', 'rest_for_one'] as const) {
      const children = new Children();
      const { sup } = harness(
        's',
        { strategy, intensity: 1 },
        ['a', 'b', 'c'].map((id) => children.spec(id)),
      );
      await sup.start();
      children.current('a').exit(CRASH);
      await settle();
      expect((await sup.countChildren()).active).toBe(3);
      children.current('c').exit(CRASH);
      expect((await sup.ended).cause).toBe('reached_max_restart_intensity');
    }
  });

  it('ensures a sibling that ignores its shutdown is killed after its timeout, reported, and the restart goes on', async () => {
    const children = new Children();
    const specs = [children.spec('a', { shutdown: 100, onShutdown: 'ignore' }), children.spec('b')];
    const { sup, reports, clock } = harness('s', { strategy: 'one_for_all' }, specs);
    await sup.start();
    children.current('b').exit(CRASH);
    await settle();
    expect(children.log.slice(2)).toEqual(['exit:b:abnormal', 'shutdown:a']);
    await clock.advance(100);
    expect(children.log.slice(4)).toEqual(['kill:a', 'exit:a:killed', 'start:a', 'start:b']);
    expect(reports.find((r) => r.kind === 'shutdown_error')).toMatchObject({
      reason: { kind: 'killed' },
      offender: { id: 'a', handle: 'a#1', shutdown: 100 },
    });
  });
});
