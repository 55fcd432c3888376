import { describe, expect, it } from 'vitest';
import { SupervisorConfigError } from '../../../src/actors/supervision/child-spec.js';
import type { ChildSpec } from '../../../src/actors/supervision/types.js';
import { CRASH, Children, NORMAL, harness, reportKinds, settle } from './fakes.js';

function statuses(info: Array<{ id: string; status: string }>): string[] {
  return info.map((c) => `${c.id}:${c.status}`);
}

async function running(specs: ChildSpec[], flags = {}) {
  const h = harness('s', flags, specs);
  await h.sup.start();
  return h;
}

describe('start_child (3.8)', () => {
  it('ensures a new child is started, reported and appended', async () => {
    const children = new Children();
    const { sup, reports } = await running([children.spec('a')]);
    const outcome = await sup.startChild(children.spec('b', { restart: 'transient' }));
    expect(outcome).toMatchObject({ kind: 'started', handle: { label: 'b#1' } });
    expect(statuses(await sup.whichChildren())).toEqual(['a:running', 'b:running']);
    expect(reports.at(-1)).toMatchObject({
      kind: 'progress',
      started: { id: 'b', handle: 'b#1', restart: 'transient' },
    });
  });

  it('ensures an id that is running is refused with already_started and its handle', async () => {
    const children = new Children();
    const { sup } = await running([children.spec('a')]);
    await expect(sup.startChild(children.spec('a'))).rejects.toMatchObject({
      code: 'already_started',
      detail: 'a#1',
    });
    expect(children.attemptsOf('a')).toBe(1);
  });

  it('ensures an id whose spec is kept but not running is refused with already_present', async () => {
    const children = new Children();
    const { sup } = await running([children.spec('a')]);
    await sup.terminateChild('a');
    await expect(sup.startChild(children.spec('a'))).rejects.toMatchObject({
      code: 'already_present',
      childId: 'a',
    });
  });

  it('ensures an invalid spec is refused with a SupervisorConfigError before anything starts', async () => {
    const children = new Children();
    const { sup } = await running([]);
    const bad = { ...children.spec('x'), shutdown: -5 };
    await expect(sup.startChild(bad)).rejects.toBeInstanceOf(SupervisorConfigError);
    expect(children.attemptsOf('x')).toBe(0);
  });

  it('ensures a start error is returned as start_failed and the spec is not kept', async () => {
    const children = new Children();
    const { sup, reports } = await running([]);
    const spec = children.spec('x', { plan: () => ({ error: 'no port' }) });
    await expect(sup.startChild(spec)).rejects.toMatchObject({ code: 'start_failed', detail: 'no port' });
    expect(await sup.whichChildren()).toEqual([]);
    expect(reports).toEqual([]);
  });

  it('ensures ignore keeps a non-temporary spec not running and drops a temporary one', async () => {
    const children = new Children();
    const { sup } = await running([]);
    expect(await sup.startChild(children.spec('p', { plan: () => 'ignore' }))).toEqual({ kind: 'ignore' });
    const temporary = children.spec('t', { plan: () => 'ignore', restart: 'temporary' });
    expect(await sup.startChild(temporary)).toEqual({ kind: 'ignore' });
    expect(statuses(await sup.whichChildren())).toEqual(['p:not_running']);
  });
});

describe('terminate_child (3.8)', () => {
  it('ensures the child is stopped by its shutdown spec and its spec kept, with no restart or sibling effect', async () => {
    const children = new Children();
    const { sup, reports } = await running([children.spec('a'), children.spec('b'), children.spec('c')], {
      strategy: 'one_for_all',
      intensity: 0,
    });
    await sup.terminateChild('b');
    await settle();
    expect(children.log.slice(3)).toEqual(['shutdown:b', 'exit:b:shutdown']);
    expect(statuses(await sup.whichChildren())).toEqual(['a:running', 'b:not_running', 'c:running']);
    expect(reports.filter((r) => r.kind !== 'progress')).toEqual([]);
  });

  it('ensures a temporary child is deleted when terminated', async () => {
    const children = new Children();
    const { sup } = await running([children.spec('t', { restart: 'temporary', shutdown: 'brutal_kill' })]);
    await sup.terminateChild('t');
    expect(children.log).toEqual(['start:t', 'kill:t', 'exit:t:killed']);
    expect(await sup.whichChildren()).toEqual([]);
  });

  it('ensures a child that exits badly on termination produces a shutdown_error report', async () => {
    const children = new Children();
    const { sup, reports } = await running([children.spec('a', { onShutdown: CRASH })]);
    await sup.terminateChild('a');
    expect(reportKinds(reports)).toEqual(['progress:a', 'shutdown_error:a']);
    expect(reports[1]).toMatchObject({ reason: CRASH, offender: { handle: 'a#1' } });
  });

  it('ensures an unknown id is not_found', async () => {
    const { sup } = await running([]);
    await expect(sup.terminateChild('ghost')).rejects.toMatchObject({ code: 'not_found', childId: 'ghost' });
  });
});

describe('restart_child and delete_child (3.8)', () => {
  it('ensures restart_child starts a child that is not running, without counting a restart', async () => {
    const children = new Children();
    const { sup } = await running([children.spec('a')], { intensity: 0 });
    await sup.terminateChild('a');
    expect(await sup.restartChild('a')).toMatchObject({ kind: 'started', handle: { label: 'a#2' } });
    await sup.terminateChild('a');
    await sup.restartChild('a');
    expect((await sup.countChildren()).active).toBe(1);
  });

  it('ensures restart_child refuses running and unknown children', async () => {
    const children = new Children();
    const { sup } = await running([children.spec('a')]);
    await expect(sup.restartChild('a')).rejects.toMatchObject({ code: 'running' });
    await expect(sup.restartChild('zz')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('ensures restart_child reports a start error to the caller and leaves the child not running', async () => {
    const children = new Children();
    const { sup } = await running([
      children.spec('a', { plan: (n) => (n === 2 ? { error: 'disk full' } : 'ok') }),
    ]);
    await sup.terminateChild('a');
    await expect(sup.restartChild('a')).rejects.toMatchObject({ code: 'start_failed', detail: 'disk full' });
    expect(statuses(await sup.whichChildren())).toEqual(['a:not_running']);
    expect(await sup.restartChild('a')).toMatchObject({ kind: 'started' });
  });

  it('ensures restart_child returns ignore when the start ignores', async () => {
    const children = new Children();
    const { sup } = await running([children.spec('a', { plan: (n) => (n === 2 ? 'ignore' : 'ok') })]);
    await sup.terminateChild('a');
    expect(await sup.restartChild('a')).toEqual({ kind: 'ignore' });
    expect(statuses(await sup.whichChildren())).toEqual(['a:not_running']);
  });

  it('ensures delete_child removes a stopped spec and refuses running and unknown children', async () => {
    const children = new Children();
    const { sup } = await running([children.spec('a'), children.spec('b')]);
    await expect(sup.deleteChild('a')).rejects.toMatchObject({ code: 'running' });
    await expect(sup.deleteChild('zz')).rejects.toMatchObject({ code: 'not_found' });
    await sup.terminateChild('a');
    await sup.deleteChild('a');
    expect(statuses(await sup.whichChildren())).toEqual(['b:running']);
    await expect(sup.restartChild('a')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('which_children and count_children (3.8)', () => {
  it('ensures which_children gives id, type and the handle, restarting or not running state', async () => {
    const children = new Children();
    const { sup } = await running([
      children.spec('w'),
      children.spec('s', { type: 'supervisor' }),
      children.spec('t', { restart: 'transient' }),
    ]);
    children.current('t').exit(NORMAL);
    await settle();
    const info = await sup.whichChildren();
    expect(info).toEqual([
      { id: 'w', type: 'worker', status: 'running', handle: children.current('w') },
      { id: 's', type: 'supervisor', status: 'running', handle: children.current('s') },
      { id: 't', type: 'worker', status: 'not_running' },
    ]);
  });

  it('ensures count_children counts specs, active children, supervisors and workers', async () => {
    const children = new Children();
    const { sup } = await running([
      children.spec('w1'),
      children.spec('w2', { restart: 'transient' }),
      children.spec('s1', { type: 'supervisor' }),
    ]);
    expect(await sup.countChildren()).toEqual({ specs: 3, active: 3, supervisors: 1, workers: 2 });
    children.current('w2').exit(NORMAL);
    // Counted as soon as it is gone, even before the supervisor handled the exit.
    expect(await sup.countChildren()).toEqual({ specs: 3, active: 2, supervisors: 1, workers: 2 });
  });

  it('ensures management calls are refused once a stop was requested', async () => {
    const children = new Children();
    const { sup } = await running([children.spec('a')]);
    const stopping = sup.stop();
    await expect(sup.terminateChild('a')).rejects.toMatchObject({ code: 'supervisor_not_running' });
    await stopping;
    await expect(sup.restartChild('a')).rejects.toMatchObject({ code: 'supervisor_not_running' });
    expect(statuses(await sup.whichChildren())).toEqual(['a:not_running']);
  });
});
