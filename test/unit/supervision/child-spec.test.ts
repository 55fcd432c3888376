import { describe, expect, it } from 'vitest';
import { backoffWarnings } from '../../../src/actors/supervision/backoff.js';
import {
  SupervisorConfigError,
  validateChildSpec,
  validateSupervisor,
} from '../../../src/actors/supervision/child-spec.js';
import type { ChildSpec, SupervisorFlags } from '../../../src/actors/supervision/types.js';
import { Children, harness } from './fakes.js';

const start = async () => ({ kind: 'ignore' }) as const;

function configError(fn: () => unknown): SupervisorConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SupervisorConfigError) return err;
    throw err;
  }
  throw new Error('expected a SupervisorConfigError, nothing was thrown');
}

/** Lets tests pass values the types forbid, as a config file could. */
function loose(value: Record<string, unknown>): SupervisorFlags & ChildSpec {
  return value as unknown as SupervisorFlags & ChildSpec;
}

describe('supervisor flags (3.1)', () => {
  it('ensures the defaults are one_for_one, intensity 1, period 5 s and no backoff', () => {
    const { flags } = validateSupervisor('s', {}, []);
    expect(flags).toEqual({ strategy: 'one_for_one', intensity: 1, period: 5, backoff: undefined });
  });

  it.each([
    [{ strategy: 'simple_one_for_one' }, 'invalid_strategy', 'flags.strategy', '"simple_one_for_one"'],
    [{ intensity: -1 }, 'invalid_intensity', 'flags.intensity', '-1'],
    [{ intensity: 1.5 }, 'invalid_intensity', 'flags.intensity', '1.5'],
    [{ period: 0 }, 'invalid_period', 'flags.period', '0'],
    [{ period: '5' }, 'invalid_period', 'flags.period', '"5"'],
    [
      { backoff: { initialMs: 10, maxMs: 5, factor: 2, jitter: 0 } },
      'invalid_backoff',
      'flags.backoff.maxMs',
      '5',
    ],
    [
      { backoff: { initialMs: 10, maxMs: 50, factor: 0.5, jitter: 0 } },
      'invalid_backoff',
      'flags.backoff.factor',
      '0.5',
    ],
    [
      { backoff: { initialMs: 10, maxMs: 50, factor: 2, jitter: 2 } },
      'invalid_backoff',
      'flags.backoff.jitter',
      '2',
    ],
    [{ restarts: 3 }, 'unknown_key', 'flags.restarts', '3'],
  ])('ensures flags %j are rejected with %s naming the field and the value', (flags, code, field, shown) => {
    const err = configError(() => validateSupervisor('pipeline', loose(flags), []));
    expect(err.code).toBe(code);
    expect(err.field).toBe(field);
    expect(err.message).toContain(`supervisor "pipeline": ${field}: expected`);
    expect(err.message).toContain(`got ${shown}`);
  });

  it('ensures every flag problem is reported at once', () => {
    const err = configError(() =>
      validateSupervisor('s', loose({ strategy: 'x', intensity: -1, period: 0 }), []),
    );
    expect(err.issues.map((i) => i.code)).toEqual([
      'invalid_strategy',
      'invalid_intensity',
      'invalid_period',
    ]);
  });
});

describe('child specifications (3.2)', () => {
  it('ensures a worker defaults to permanent, 5000 ms shutdown, and a supervisor to infinity', () => {
    const { children } = validateSupervisor('s', {}, [
      { id: 'w', start },
      { id: 'sup', start, type: 'supervisor' },
    ]);
    expect(children.map(({ id, restart, shutdown, type }) => ({ id, restart, shutdown, type }))).toEqual([
      { id: 'w', restart: 'permanent', shutdown: 5000, type: 'worker' },
      { id: 'sup', restart: 'permanent', shutdown: 'infinity', type: 'supervisor' },
    ]);
  });

  it('ensures a child without backoff inherits the flags backoff, with resetAfterMs defaulting to initialMs', () => {
    const backoff = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.1 };
    const { children } = validateSupervisor('s', { backoff }, [
      { id: 'a', start },
      { id: 'b', start, backoff: { ...backoff, initialMs: 7, resetAfterMs: 50 } },
    ]);
    expect(children[0]?.backoff).toEqual({ ...backoff, resetAfterMs: 100 });
    expect(children[1]?.backoff).toEqual({ ...backoff, initialMs: 7, resetAfterMs: 50 });
  });

  it.each([
    [{ id: 'a', start, restart: 'always' }, 'invalid_restart_type', 'children[0].restart'],
    [{ id: 'a', start, shutdown: -1 }, 'invalid_shutdown', 'children[0].shutdown'],
    [{ id: 'a', start, shutdown: 2.5 }, 'invalid_shutdown', 'children[0].shutdown'],
    [{ id: 'a', start, shutdown: 'soon' }, 'invalid_shutdown', 'children[0].shutdown'],
    [{ id: 'a', start, type: 'daemon' }, 'invalid_child_type', 'children[0].type'],
    [{ id: '', start }, 'invalid_child_id', 'children[0].id'],
    [{ id: 'a', start: 'main.js' }, 'invalid_start', 'children[0].start'],
    [{ id: 'a', start, modules: [] }, 'unknown_key', 'children[0].modules'],
  ])('ensures child %j is rejected with %s', (spec, code, field) => {
    const err = configError(() => validateSupervisor('s', {}, [loose(spec)]));
    expect(err.code).toBe(code);
    expect(err.field).toBe(field);
  });

  it('ensures a duplicate id rejects the whole list with duplicate_child_name', () => {
    const err = configError(() =>
      validateSupervisor('s', {}, [
        { id: 'a', start },
        { id: 'b', start },
        { id: 'a', start },
      ]),
    );
    expect(err.code).toBe('duplicate_child_name');
    expect(err.field).toBe('children[2].id');
    expect(err.message).toContain('got "a"');
  });

  it('ensures the whole list is validated before any child starts', () => {
    const children = new Children();
    const specs = [children.spec('a'), loose({ id: 'b', start, shutdown: 'later' })];
    expect(() => harness('s', {}, specs)).toThrow(SupervisorConfigError);
    expect(children.attemptsOf('a')).toBe(0);
  });

  it('ensures a spec given at run time is validated against the supervisor flags', () => {
    const { flags } = validateSupervisor(
      's',
      { backoff: { initialMs: 5, maxMs: 5, factor: 1, jitter: 0 } },
      [],
    );
    expect(validateChildSpec('s', flags, { id: 'x', start }).backoff?.initialMs).toBe(5);
    expect(() => validateChildSpec('s', flags, loose({ id: 'x', start, restart: 'sometimes' }))).toThrow(
      /child\.restart: expected permanent \| transient \| temporary, got "sometimes"/,
    );
  });
});

describe('backoff versus intensity (3.11)', () => {
  it('ensures a warning when intensity consecutive delays exceed the period, and none otherwise', () => {
    const slow = validateSupervisor('s', { intensity: 2, period: 1 }, [
      { id: 'slow', start, backoff: { initialMs: 600, maxMs: 600, factor: 1, jitter: 0 } },
      { id: 'fast', start, backoff: { initialMs: 100, maxMs: 100, factor: 1, jitter: 0 } },
      { id: 'plain', start },
    ]);
    const warnings = backoffWarnings(slow.flags, slow.children);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('child "slow"');
    expect(warnings[0]).toContain('1200 ms');
  });
});
