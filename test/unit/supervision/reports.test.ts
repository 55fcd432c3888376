import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Supervisor } from '../../../src/actors/supervision/supervisor.js';
import { CRASH, Children, FakeClock, settle } from './fakes.js';

function capture(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'info', base: null, timestamp: false },
    {
      write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
    },
  );
  return { logger, lines };
}

describe('supervisor reports as pino events (3.9)', () => {
  it('ensures progress is an info line with supervisor and the started child', async () => {
    const { logger, lines } = capture();
    const children = new Children();
    const sup = new Supervisor(
      'pipeline',
      {},
      [children.spec('oe-1', { restart: 'transient', shutdown: 200 })],
      {
        logger,
      },
    );
    await sup.start();
    expect(lines).toEqual([
      {
        level: 30,
        report: 'progress',
        supervisor: 'pipeline',
        started: { id: 'oe-1', handle: 'oe-1#1', restart: 'transient', shutdown: 200, type: 'worker' },
        msg: 'supervisor started a child',
      },
    ]);
  });

  it('ensures child_terminated and shutdown are error lines with reason and offender', async () => {
    const { logger, lines } = capture();
    const children = new Children();
    const sup = new Supervisor('pipeline', { intensity: 0 }, [children.spec('ei')], { logger });
    await sup.start();
    children.current('ei').exit(CRASH);
    await sup.ended;
    const offender = { id: 'ei', handle: 'ei#1', restart: 'permanent', shutdown: 5000, type: 'worker' };
    expect(lines.slice(1)).toEqual([
      {
        level: 50,
        report: 'child_terminated',
        supervisor: 'pipeline',
        reason: CRASH,
        offender,
        msg: 'supervised child terminated',
      },
      {
        level: 50,
        report: 'shutdown',
        supervisor: 'pipeline',
        reason: 'reached_max_restart_intensity',
        offender,
        msg: 'supervisor reached its maximum restart intensity and shuts down',
      },
    ]);
  });

  it('ensures a start_error line carries an Error reason as name, message and stack', async () => {
    const { logger, lines } = capture();
    const children = new Children();
    const sup = new Supervisor(
      'p',
      {},
      [children.spec('a', { plan: () => ({ throws: new TypeError('bad config') }) })],
      {
        logger,
      },
    );
    await sup.start();
    expect(lines[0]).toMatchObject({
      level: 50,
      report: 'start_error',
      reason: { name: 'TypeError', message: 'bad config', stack: expect.stringContaining('TypeError') },
      offender: { id: 'a', restart: 'permanent' },
    });
  });

  it('ensures a shutdown_error line names the child killed after its timeout', async () => {
    const { logger, lines } = capture();
    const children = new Children();
    const clock = new FakeClock();
    const sup = new Supervisor('p', {}, [children.spec('a', { shutdown: 50, onShutdown: 'ignore' })], {
      logger,
      clock,
    });
    await sup.start();
    const stopped = sup.stop();
    await settle();
    await clock.advance(50);
    await stopped;
    expect(lines.at(-1)).toMatchObject({
      level: 50,
      report: 'shutdown_error',
      reason: { kind: 'killed' },
      offender: { id: 'a', handle: 'a#1', shutdown: 50 },
    });
  });

  it('ensures an observer that throws is logged and does not disturb the supervisor', async () => {
    const { logger, lines } = capture();
    const children = new Children();
    const sup = new Supervisor('p', {}, [children.spec('a'), children.spec('b')], {
      logger,
      onReport: () => {
        throw new Error('metrics down');
      },
    });
    expect((await sup.start()).kind).toBe('started');
    const failures = lines.filter(
      (l) => l['msg'] === 'supervisor report observer threw; the report was logged',
    );
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatchObject({ level: 50, err: { message: 'metrics down' } });
  });

  it('ensures a warning is logged when backoff makes the intensity unreachable', () => {
    const { logger, lines } = capture();
    const backoff = { initialMs: 4000, maxMs: 4000, factor: 1, jitter: 0 };
    new Supervisor('p', { intensity: 2, period: 5, backoff }, [new Children().spec('a')], { logger });
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, supervisor: 'p', msg: expect.stringContaining('child "a"') }),
    ]);
  });
});
