import { describe, expect, it } from 'vitest';
import { CRASH, Children, deferred, harness, reportKinds, settle, waitUntil } from './fakes.js';

const EADDRINUSE = { code: 'EADDRINUSE', port: 3386 };

describe('start failures at supervisor start (3.6)', () => {
  it('ensures a failed start stops the started children in reverse order and fails with failed_to_start_child', async () => {
    const children = new Children();
    const specs = [
      children.spec('a'),
      children.spec('b'),
      children.spec('c', { plan: () => ({ error: EADDRINUSE }) }),
      children.spec('d'),
    ];
    const { sup, reports } = harness('s', {}, specs);
    const result = await sup.start();
    const reason = {
      kind: 'shutdown',
      detail: { kind: 'failed_to_start_child', id: 'c', reason: EADDRINUSE },
    };
    expect(result).toEqual({ kind: 'error', reason });
    expect(children.log).toEqual([
      'start:a',
      'start:b',
      'start_failed:c',
      'shutdown:b',
      'exit:b:shutdown',
      'shutdown:a',
      'exit:a:shutdown',
    ]);
    expect(children.attemptsOf('d')).toBe(0);
    expect(reportKinds(reports)).toEqual(['progress:a', 'progress:b', 'start_error:c']);
    expect(reports[2]).toMatchObject({ reason: EADDRINUSE, offender: { id: 'c', handle: undefined } });
    expect(await sup.ended).toEqual({ cause: 'failed_to_start', reason });
  });

  it('ensures a start that throws counts as a start error with the thrown value as reason', async () => {
    const children = new Children();
    const boom = new Error('init failed');
    const { sup, reports } = harness('s', {}, [children.spec('a', { plan: () => ({ throws: boom }) })]);
    const result = await sup.start();
    expect(result).toMatchObject({ kind: 'error', reason: { detail: { id: 'a', reason: boom } } });
    expect(reports[0]).toMatchObject({ kind: 'start_error', reason: boom });
  });

  it('ensures ignore keeps the spec without a running child (temporary: dropped) and startup continues', async () => {
    const children = new Children();
    const specs = [
      children.spec('p', { plan: () => 'ignore' }),
      children.spec('t', { plan: () => 'ignore', restart: 'temporary' }),
      children.spec('c'),
    ];
    const { sup } = harness('s', {}, specs);
    expect((await sup.start()).kind).toBe('started');
    expect((await sup.whichChildren()).map((c) => `${c.id}:${c.status}`)).toEqual([
      'p:not_running',
      'c:running',
    ]);
    expect(await sup.countChildren()).toEqual({ specs: 2, active: 1, supervisors: 0, workers: 2 });
  });

  it('ensures a supervisor cannot be started twice', async () => {
    const { sup } = harness('s', {}, []);
    await sup.start();
    await expect(sup.start()).rejects.toMatchObject({ code: 'supervisor_already_started' });
  });
});

describe('start failures during a restart: try again (3.4)', () => {
  it('ensures a failed restart reports start_error, marks the child restarting, and a later try succeeds', async () => {
    const children = new Children();
    const gate = deferred();
    const spec = children.spec('a', {
      plan: (n) => (n === 2 ? { error: 'not yet' } : 'ok'),
      gate: (n) => (n === 2 ? gate.promise : undefined),
    });
    const { sup, reports } = harness('s', { intensity: 5 }, [spec]);
    await sup.start();
    reports.length = 0;
    children.current('a').exit(CRASH);
    await waitUntil(() => children.attemptsOf('a') === 2, 'the restart to begin');
    const during = sup.whichChildren(); // queued before the try again
    gate.resolve();
    expect((await during).map((c) => c.status)).toEqual(['restarting']);
    await waitUntil(() => children.startsOf('a') === 2, 'the try again to start the child');
    expect(reportKinds(reports)).toEqual(['child_terminated:a', 'start_error:a', 'progress:a']);
    expect(reports[1]).toMatchObject({ reason: 'not yet', offender: { id: 'a', handle: 'a#1' } });
  });

  it('ensures a child that can never start again brings the supervisor down after intensity + 1 restarts', async () => {
    const children = new Children();
    const spec = children.spec('a', { plan: (n) => (n === 1 ? 'ok' : { error: 'broken' }) });
    const { sup, reports } = harness('s', { intensity: 3 }, [children.spec('x'), spec]);
    await sup.start();
    children.current('a').exit(CRASH);
    expect((await sup.ended).cause).toBe('reached_max_restart_intensity');
    expect(children.attemptsOf('a')).toBe(1 + 3);
    expect(reportKinds(reports).slice(2)).toEqual([
      'child_terminated:a',
      'start_error:a',
      'start_error:a',
      'start_error:a',
      'shutdown:a',
    ]);
    expect(children.log.slice(-2)).toEqual(['shutdown:x', 'exit:x:shutdown']);
  });

  it('ensures one_for_all tries again with the child that failed as the trigger', async () => {
    const children = new Children();
    const specs = [
      children.spec('a'),
      children.spec('b'),
      children.spec('c', { plan: (n) => (n === 2 ? { error: 'busy' } : 'ok') }),
    ];
    const { sup } = harness('s', { strategy: 'one_for_all', intensity: 5 }, specs);
    await sup.start();
    children.current('b').exit(CRASH);
    await waitUntil(() => children.startsOf('c') === 2, 'c to start again');
    expect(children.log.slice(3)).toEqual([
      'exit:b:abnormal',
      'shutdown:c',
      'exit:c:shutdown',
      'shutdown:a',
      'exit:a:shutdown',
      'start:a',
      'start:b',
      'start_failed:c',
      'shutdown:b',
      'exit:b:shutdown',
      'shutdown:a',
      'exit:a:shutdown',
      'start:a',
      'start:b',
      'start:c',
    ]);
  });

  it('ensures rest_for_one leaves the children after a failed start stopped until the try again', async () => {
    const children = new Children();
    const specs = [
      children.spec('a'),
      children.spec('b'),
      children.spec('c', { plan: (n) => (n === 2 ? { error: 'busy' } : 'ok') }),
      children.spec('d'),
    ];
    const { sup } = harness('s', { strategy: 'rest_for_one', intensity: 5 }, specs);
    await sup.start();
    children.current('b').exit(CRASH);
    await waitUntil(() => children.startsOf('d') === 2, 'd to start again');
    expect(children.log.slice(4)).toEqual([
      'exit:b:abnormal',
      'shutdown:d',
      'exit:d:shutdown',
      'shutdown:c',
      'exit:c:shutdown',
      'start:b',
      'start_failed:c',
      'start:c',
      'start:d',
    ]);
    expect(children.startsOf('a')).toBe(1);
  });

  it('ensures a stop requested while a restart fails wins over the queued try again', async () => {
    const children = new Children();
    const gate = deferred();
    const spec = children.spec('a', {
      plan: (n) => (n === 2 ? { error: 'not yet' } : 'ok'),
      gate: (n) => (n === 2 ? gate.promise : undefined),
    });
    const { sup } = harness('s', { intensity: 5 }, [children.spec('x'), spec]);
    await sup.start();
    children.current('a').exit(CRASH);
    await waitUntil(() => children.attemptsOf('a') === 2, 'the restart to begin');
    const stopped = sup.stop();
    gate.resolve();
    await stopped;
    await settle();
    expect(children.attemptsOf('a')).toBe(2);
    expect((await sup.ended).cause).toBe('stopped');
    expect(children.log.slice(-2)).toEqual(['shutdown:x', 'exit:x:shutdown']);
  });

  it('ensures terminating a child whose try again is queued cancels that try again', async () => {
    const children = new Children();
    const gate = deferred();
    const spec = children.spec('a', {
      plan: (n) => (n === 2 ? { error: 'not yet' } : 'ok'),
      gate: (n) => (n === 2 ? gate.promise : undefined),
    });
    const { sup } = harness('s', { intensity: 5 }, [spec]);
    await sup.start();
    children.current('a').exit(CRASH);
    await waitUntil(() => children.attemptsOf('a') === 2, 'the restart to begin');
    const restartRefused = sup.restartChild('a');
    const deleteRefused = sup.deleteChild('a');
    const terminated = sup.terminateChild('a');
    gate.resolve();
    // Both queued behind the failing restart, so they see the child as restarting.
    await expect(restartRefused).rejects.toMatchObject({ code: 'restarting' });
    await expect(deleteRefused).rejects.toMatchObject({ code: 'restarting' });
    await terminated;
    await settle();
    expect(children.attemptsOf('a')).toBe(2);
    expect((await sup.whichChildren()).map((c) => c.status)).toEqual(['not_running']);
  });
});
