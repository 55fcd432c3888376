import { describe, expect, it } from 'vitest';
import { isCleanShutdown, shutdownChild } from '../../../src/actors/supervision/shutdown.js';
import type { ExitReason, RestartType, ShutdownSpec } from '../../../src/actors/supervision/types.js';
import { CRASH, FakeChild, FakeClock, KILLED, NORMAL, SHUTDOWN, SHUTDOWN_DETAIL, settle } from './fakes.js';

describe('judging a shutdown exit (3.7 step 5)', () => {
  const cases: Array<[ExitReason, RestartType, ShutdownSpec, boolean]> = [
    [SHUTDOWN, 'permanent', 5000, true],
    [SHUTDOWN, 'permanent', 'brutal_kill', true],
    [SHUTDOWN, 'temporary', 'infinity', true],
    [NORMAL, 'permanent', 5000, false],
    [NORMAL, 'transient', 5000, true],
    [NORMAL, 'temporary', 'brutal_kill', true],
    [SHUTDOWN_DETAIL, 'permanent', 5000, false],
    [SHUTDOWN_DETAIL, 'transient', 'infinity', true],
    [SHUTDOWN_DETAIL, 'temporary', 5000, true],
    [KILLED, 'permanent', 'brutal_kill', true],
    [KILLED, 'temporary', 'brutal_kill', true],
    [KILLED, 'transient', 5000, false],
    [KILLED, 'permanent', 'infinity', false],
    [CRASH, 'permanent', 'brutal_kill', false],
    [CRASH, 'temporary', 5000, false],
  ];
  it.each(cases)(
    'ensures exit %j of a %s child under %s is clean: %s',
    (reason, restart, shutdown, clean) => {
      expect(isCleanShutdown(reason, restart, shutdown)).toBe(clean);
    },
  );
});

describe('shutting down one child (3.7)', () => {
  it('ensures brutal_kill kills at once without a shutdown request and accepts killed', async () => {
    const log: string[] = [];
    const child = new FakeChild('a', 'a#1', log, 'comply');
    const outcome = await shutdownChild(child, 'permanent', 'brutal_kill', new FakeClock());
    expect(log).toEqual(['kill:a', 'exit:a:killed']);
    expect(outcome).toEqual({ ok: true, reason: KILLED });
  });

  it('ensures an integer timeout sends the request and accepts a shutdown exit before it expires', async () => {
    const log: string[] = [];
    const clock = new FakeClock();
    const outcome = await shutdownChild(new FakeChild('a', 'a#1', log, 'comply'), 'permanent', 100, clock);
    expect(log).toEqual(['shutdown:a', 'exit:a:shutdown']);
    expect(outcome.ok).toBe(true);
    expect(clock.pending()).toEqual([]);
  });

  it('ensures a child ignoring the request is killed when the timeout expires, which is a shutdown error', async () => {
    const log: string[] = [];
    const clock = new FakeClock();
    const pending = shutdownChild(new FakeChild('a', 'a#1', log, 'ignore'), 'permanent', 250, clock);
    await settle();
    expect(log).toEqual(['shutdown:a']);
    expect(clock.pending()).toEqual([250]);
    await clock.advance(249);
    expect(log).toEqual(['shutdown:a']);
    await clock.advance(1);
    expect(log).toEqual(['shutdown:a', 'kill:a', 'exit:a:killed']);
    expect(await pending).toEqual({ ok: false, reason: KILLED });
  });

  it('ensures infinity waits without limit for the child to exit', async () => {
    const log: string[] = [];
    const clock = new FakeClock();
    const child = new FakeChild('a', 'a#1', log, 'ignore');
    let done = false;
    const pending = shutdownChild(child, 'transient', 'infinity', clock).then((o) => {
      done = true;
      return o;
    });
    await clock.advance(1_000_000);
    expect(done).toBe(false);
    expect(clock.pending()).toEqual([]);
    child.exit(NORMAL);
    expect(await pending).toEqual({ ok: true, reason: NORMAL });
  });

  it('ensures a child that already died is judged by the reason it died with', async () => {
    const log: string[] = [];
    const child = new FakeChild('a', 'a#1', log, 'comply');
    child.exit(CRASH);
    expect(await shutdownChild(child, 'permanent', 5000, new FakeClock())).toEqual({
      ok: false,
      reason: CRASH,
    });
  });

  it('ensures a child answering the request with normal is an error only when permanent', async () => {
    const clock = new FakeClock();
    const permanent = new FakeChild('a', 'a#1', [], NORMAL);
    const transient = new FakeChild('b', 'b#1', [], NORMAL);
    expect((await shutdownChild(permanent, 'permanent', 100, clock)).ok).toBe(false);
    expect((await shutdownChild(transient, 'transient', 100, clock)).ok).toBe(true);
  });

  it('ensures a child whose shutdown request throws is killed and the throw is the reported reason', async () => {
    const log: string[] = [];
    const child = new FakeChild('a', 'a#1', log, 'comply');
    child.requestShutdown = () => {
      throw new Error('port closed');
    };
    const outcome = await shutdownChild(child, 'permanent', 100, new FakeClock());
    expect(log).toEqual(['kill:a', 'exit:a:killed']);
    expect(outcome.ok).toBe(false);
    expect(outcome.reason).toMatchObject({ kind: 'abnormal', error: { message: 'port closed' } });
  });
});
