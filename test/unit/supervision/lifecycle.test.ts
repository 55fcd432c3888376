import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Supervisor, supervisorChildSpec } from '../../../src/actors/supervision/supervisor.js';
import {
  CRASH,
  Children,
  FakeClock,
  deferred,
  harness,
  reportKinds,
  settle,
  silentLogger,
  waitUntil,
} from './fakes.js';

describe('supervisor lifecycle', () => {
  it('ensures stopping a supervisor that never started ends it at once with shutdown', async () => {
    const children = new Children();
    const { sup } = harness('s', {}, [children.spec('a')]);
    await sup.stop();
    expect(await sup.ended).toEqual({ cause: 'stopped', reason: { kind: 'shutdown' } });
    expect(children.attemptsOf('a')).toBe(0);
    await expect(sup.start()).rejects.toMatchObject({ code: 'supervisor_already_started' });
  });

  it('ensures a stop requested during start waits for the start, then stops in reverse order', async () => {
    const children = new Children();
    const gate = deferred();
    const { sup } = harness('s', {}, [children.spec('a'), children.spec('b', { gate: () => gate.promise })]);
    const started = sup.start();
    await settle();
    const stopped = sup.stop();
    gate.resolve();
    expect((await started).kind).toBe('started');
    await stopped;
    expect(children.log).toEqual([
      'start:a',
      'start:b',
      'shutdown:b',
      'exit:b:shutdown',
      'shutdown:a',
      'exit:a:shutdown',
    ]);
  });

  it('ensures a child exit while a stop is pending is not restarted but judged by the stop', async () => {
    const children = new Children();
    const clock = new FakeClock();
    const specs = [children.spec('a'), children.spec('b', { shutdown: 100, onShutdown: 'ignore' })];
    const { sup, reports } = harness('s', { intensity: 5 }, specs, { clock });
    await sup.start();
    const stopped = sup.stop();
    await settle();
    children.current('a').exit(CRASH); // while b's shutdown is pending
    await clock.advance(100);
    await stopped;
    expect(children.startsOf('a')).toBe(1);
    expect(reportKinds(reports).slice(2)).toEqual(['shutdown_error:b', 'shutdown_error:a']);
    expect(reports.at(-1)).toMatchObject({ reason: CRASH });
  });

  it('ensures a supervisor as a child has a label, stops in order on request, and dies on kill', async () => {
    const children = new Children();
    const { sup } = harness('inner', {}, [children.spec('a'), children.spec('b')]);
    const result = await sup.start();
    if (result.kind !== 'started') throw new Error('expected the supervisor to start');
    expect(result.handle).toBe(sup.asChild());
    expect(result.handle.label).toBe('supervisor:inner');
    result.handle.requestShutdown();
    expect(await result.handle.exited).toEqual({ kind: 'shutdown' });
    expect(children.events('shutdown:')).toEqual(['shutdown:b', 'shutdown:a']);

    const other = new Children();
    const killed = harness('k', {}, [other.spec('a'), other.spec('b')]);
    await killed.sup.start();
    killed.sup.asChild().kill();
    expect(await killed.sup.exited).toEqual({ kind: 'killed' });
    expect(other.events('kill:', 'shutdown:').sort()).toEqual(['kill:a', 'kill:b']);
  });

  it('ensures a child supervisor that fails to start fails its parent start with the nested reason', async () => {
    const children = new Children();
    const create = () =>
      new Supervisor('inner', {}, [children.spec('bad', { plan: () => ({ error: 'no disk' }) })], {
        logger: silentLogger,
      });
    const { sup, reports } = harness('root', {}, [children.spec('a'), supervisorChildSpec('inner', create)]);
    const result = await sup.start();
    const innerReason = {
      kind: 'shutdown',
      detail: { kind: 'failed_to_start_child', id: 'bad', reason: 'no disk' },
    };
    expect(result).toEqual({
      kind: 'error',
      reason: {
        kind: 'shutdown',
        detail: { kind: 'failed_to_start_child', id: 'inner', reason: innerReason },
      },
    });
    expect(reports.find((r) => r.kind === 'start_error')).toMatchObject({
      reason: innerReason,
      offender: { id: 'inner', type: 'supervisor', shutdown: 'infinity' },
    });
    expect(children.log).toEqual(['start:a', 'start_failed:bad', 'shutdown:a', 'exit:a:shutdown']);
  });

  it('ensures a child that finishes starting after its supervisor was killed is killed at once', async () => {
    const children = new Children();
    const gate = deferred();
    const { sup } = harness('s', {}, [children.spec('a'), children.spec('b', { gate: () => gate.promise })]);
    const started = sup.start();
    await waitUntil(() => children.attemptsOf('b') === 1, 'b to begin starting');
    sup.kill();
    expect(await sup.ended).toEqual({ cause: 'killed', reason: { kind: 'killed' } });
    gate.resolve();
    expect(await started).toEqual({ kind: 'error', reason: { kind: 'killed' } });
    expect(children.log).toEqual([
      'start:a',
      'kill:a',
      'exit:a:killed',
      'start:b',
      'kill:b',
      'exit:b:killed',
    ]);
  });
});

describe('killing and internal failures', () => {
  it('ensures a kill during an orderly stop reaches the child the stop is still waiting for', async () => {
    const children = new Children();
    const specs = [children.spec('a'), children.spec('b', { shutdown: 'infinity', onShutdown: 'ignore' })];
    const { sup } = harness('s', {}, specs);
    await sup.start();
    void sup.stop();
    await settle();
    expect(children.log.slice(2)).toEqual(['shutdown:b']);
    sup.kill();
    expect(await sup.ended).toEqual({ cause: 'killed', reason: { kind: 'killed' } });
    expect(children.log.slice(3).sort()).toEqual(['exit:a:killed', 'exit:b:killed', 'kill:a', 'kill:b']);
  });

  it('ensures a supervisor whose own step fails logs it, kills its children and ends abnormally', async () => {
    const children = new Children();
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino(
      { level: 'error' },
      { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) },
    );
    const specs = [children.spec('a'), children.spec('b', { shutdown: 'brutal_kill' })];
    const sup = new Supervisor('s', {}, specs, { logger });
    await sup.start();
    const b = children.current('b');
    const realKill = b.kill.bind(b);
    b.kill = () => {
      b.kill = realKill;
      throw new Error('handle already closed');
    };
    await sup.stop();
    expect(await sup.ended).toEqual({
      cause: 'crashed',
      reason: { kind: 'abnormal', error: { name: 'Error', message: 'handle already closed' } },
    });
    expect(lines[0]).toMatchObject({
      supervisor: 's',
      msg: 'supervisor failed internally; killing its children',
    });
    expect(children.events('kill:').sort()).toEqual(['kill:a', 'kill:b']);
  });
});
