import { describe, expect, it } from 'vitest';
import type { BackoffSpec } from '../../../src/actors/supervision/types.js';
import { CRASH, Children, harness, settle } from './fakes.js';

const BACKOFF: BackoffSpec = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5, resetAfterMs: 500 };

function statuses(info: Array<{ id: string; status: string }>): string[] {
  return info.map((c) => `${c.id}:${c.status}`);
}

describe('restart backoff in a supervisor (3.11)', () => {
  it('ensures the start is delayed by the jittered delay, growing with consecutive restarts', async () => {
    const children = new Children();
    const { sup, clock } = harness(
      's',
      { intensity: 10, period: 60, backoff: BACKOFF },
      [children.spec('a')],
      {
        random: () => 0.75, // +25 %
      },
    );
    await sup.start();
    for (const delay of [125, 250, 500, 1000, 1250]) {
      children.current('a').exit(CRASH);
      await settle();
      expect(clock.pending()).toEqual([delay]);
      expect(statuses(await sup.whichChildren())).toEqual(['a:restarting']);
      const before = children.startsOf('a');
      await clock.advance(delay - 1);
      expect(children.startsOf('a')).toBe(before);
      await clock.advance(1);
      expect(children.startsOf('a')).toBe(before + 1);
      expect(statuses(await sup.whichChildren())).toEqual(['a:running']);
    }
  });

  it('ensures the consecutive count resets once the child stayed up resetAfterMs', async () => {
    const children = new Children();
    const { sup, clock } = harness('s', { intensity: 10, period: 60 }, [
      children.spec('a', { backoff: { ...BACKOFF, jitter: 0 } }),
    ]);
    await sup.start();
    const delays: number[] = [];
    const crashAfter = async (uptime: number): Promise<void> => {
      await clock.advance(uptime);
      children.current('a').exit(CRASH);
      await settle();
      delays.push(...clock.pending());
      await clock.advance(clock.pending()[0] ?? 0);
    };
    await crashAfter(10);
    await crashAfter(499);
    await crashAfter(500);
    await crashAfter(0);
    expect(delays).toEqual([100, 200, 100, 200]);
  });

  it('ensures the restart is counted when decided, not when the delayed start happens', async () => {
    const children = new Children();
    const spec = children.spec('a', { backoff: { initialMs: 3000, maxMs: 3000, factor: 1, jitter: 0 } });
    const { sup, clock } = harness('s', { intensity: 1, period: 5 }, [spec]);
    await sup.start();
    children.current('a').exit(CRASH); // decided at t=0, started at t=3000
    await settle();
    await clock.advance(5500);
    expect(children.startsOf('a')).toBe(2);
    children.current('a').exit(CRASH); // t=5500: the restart at t=0 has left the window
    await settle();
    expect(clock.pending()).toEqual([3000]);
    expect((await sup.countChildren()).specs).toBe(1);
  });

  it('ensures intensity is checked before any delay: intensity 0 gives up at once', async () => {
    const children = new Children();
    const { sup, clock } = harness('s', { intensity: 0, backoff: BACKOFF }, [children.spec('a')]);
    await sup.start();
    children.current('a').exit(CRASH);
    expect((await sup.ended).cause).toBe('reached_max_restart_intensity');
    expect(clock.pending()).toEqual([]);
  });

  it('ensures one_for_all stops the siblings when deciding and starts everyone after the delay', async () => {
    const children = new Children();
    const specs = [children.spec('a'), children.spec('b')];
    const { sup, clock } = harness(
      's',
      { strategy: 'one_for_all', backoff: { ...BACKOFF, jitter: 0 } },
      specs,
    );
    await sup.start();
    children.current('b').exit(CRASH);
    await settle();
    expect(children.log.slice(2)).toEqual(['exit:b:abnormal', 'shutdown:a', 'exit:a:shutdown']);
    expect(statuses(await sup.whichChildren())).toEqual(['a:not_running', 'b:restarting']);
    await clock.advance(100);
    expect(children.log.slice(5)).toEqual(['start:a', 'start:b']);
  });

  it('ensures restart_child and delete_child refuse a child waiting out its delay', async () => {
    const children = new Children();
    const { sup } = harness('s', { backoff: BACKOFF }, [children.spec('a')]);
    await sup.start();
    children.current('a').exit(CRASH);
    await settle();
    await expect(sup.restartChild('a')).rejects.toMatchObject({ code: 'restarting' });
    await expect(sup.deleteChild('a')).rejects.toMatchObject({ code: 'restarting' });
    await expect(sup.startChild(children.spec('a'))).rejects.toMatchObject({ code: 'already_present' });
  });

  it('ensures terminate_child during the delay cancels the pending start', async () => {
    const children = new Children();
    const { sup, clock } = harness('s', { backoff: BACKOFF }, [children.spec('a')]);
    await sup.start();
    children.current('a').exit(CRASH);
    await settle();
    await sup.terminateChild('a');
    expect(clock.pending()).toEqual([]);
    await clock.advance(10_000);
    expect(children.startsOf('a')).toBe(1);
    expect(statuses(await sup.whichChildren())).toEqual(['a:not_running']);
  });

  it('ensures a stop during the delay cancels the pending start and ends without waiting for it', async () => {
    const children = new Children();
    const { sup, clock } = harness('s', { backoff: BACKOFF }, [children.spec('x'), children.spec('a')]);
    await sup.start();
    children.current('a').exit(CRASH);
    await settle();
    await sup.stop();
    expect(clock.pending()).toEqual([]);
    await clock.advance(10_000);
    expect(children.startsOf('a')).toBe(1);
    expect(children.log.slice(-2)).toEqual(['shutdown:x', 'exit:x:shutdown']);
  });
});
