/**
 * Management operations on a running supervisor (STYLE.md 3.8). Each runs inside the supervisor's
 * queue, so it never interleaves with exit handling or restarts.
 */
import type { ChildRecord, ChildTable } from './children.js';
import { validateChildSpec, type FilledFlags } from './child-spec.js';
import type { ChildHandle, ChildSpec, ChildType } from './types.js';

export type SupervisorOperationCode =
  | 'already_started'
  | 'already_present'
  | 'not_found'
  | 'running'
  | 'restarting'
  | 'start_failed'
  | 'supervisor_not_running'
  | 'supervisor_already_started';

/** A management operation was refused; the message says what was expected. */
export class SupervisorOperationError extends Error {
  override readonly name = 'SupervisorOperationError';

  constructor(
    readonly supervisor: string,
    readonly code: SupervisorOperationCode,
    readonly childId: string | undefined,
    message: string,
    /** `start_failed`: the start's error reason; `already_started`: the running handle's label. */
    readonly detail?: unknown,
  ) {
    super(`supervisor "${supervisor}": ${message} (${code})`);
  }
}

export type ChildStartOutcome =
  { readonly kind: 'started'; readonly handle: ChildHandle } | { readonly kind: 'ignore' };

export type ChildInfo =
  | {
      readonly id: string;
      readonly type: ChildType;
      readonly status: 'running';
      readonly handle: ChildHandle;
    }
  | { readonly id: string; readonly type: ChildType; readonly status: 'restarting' }
  | { readonly id: string; readonly type: ChildType; readonly status: 'not_running' };

export interface ChildCounts {
  readonly specs: number;
  /** Children whose process is running. */
  readonly active: number;
  readonly supervisors: number;
  readonly workers: number;
}

export interface ManagementContext {
  readonly supervisor: string;
  readonly flags: FilledFlags;
  readonly table: ChildTable;
}

function mustFind(ctx: ManagementContext, id: string): ChildRecord {
  const record = ctx.table.find(id);
  if (record === undefined) {
    throw new SupervisorOperationError(
      ctx.supervisor,
      'not_found',
      id,
      `expected a child "${id}", found none`,
    );
  }
  return record;
}

function mustBeStopped(ctx: ManagementContext, record: ChildRecord, action: string): void {
  const { id } = record.spec;
  if (record.state.kind === 'running') {
    const msg = `cannot ${action} "${id}": expected a child that is not running, it runs as ${record.state.handle.label}`;
    throw new SupervisorOperationError(ctx.supervisor, 'running', id, msg);
  }
  if (record.state.kind === 'restarting') {
    const msg = `cannot ${action} "${id}": expected a child that is not running, a restart of it is pending`;
    throw new SupervisorOperationError(ctx.supervisor, 'restarting', id, msg);
  }
}

function startFailed(ctx: ManagementContext, id: string, reason: unknown): SupervisorOperationError {
  const msg = `child "${id}" failed to start`;
  return new SupervisorOperationError(ctx.supervisor, 'start_failed', id, msg, reason);
}

function aborted(ctx: ManagementContext, id: string): SupervisorOperationError {
  const msg = `child "${id}" started after the supervisor was killed and was killed`;
  return new SupervisorOperationError(ctx.supervisor, 'supervisor_not_running', id, msg);
}

/** start_child: validate, refuse a present id, start, append at the end of the start order. */
export async function startChild(ctx: ManagementContext, spec: ChildSpec): Promise<ChildStartOutcome> {
  const filled = validateChildSpec(ctx.supervisor, ctx.flags, spec);
  const existing = ctx.table.find(filled.id);
  if (existing?.state.kind === 'running') {
    const label = existing.state.handle.label;
    const msg = `expected a new child id, "${filled.id}" already runs as ${label}`;
    throw new SupervisorOperationError(ctx.supervisor, 'already_started', filled.id, msg, label);
  }
  if (existing !== undefined) {
    const msg = `expected a new child id, "${filled.id}" is already present (not running)`;
    throw new SupervisorOperationError(ctx.supervisor, 'already_present', filled.id, msg);
  }
  const record = ctx.table.create(filled);
  const result = await ctx.table.start(record);
  switch (result.kind) {
    case 'started':
      ctx.table.records.push(record);
      return result;
    case 'ignore':
      if (filled.restart !== 'temporary') ctx.table.records.push(record);
      return result;
    case 'error':
      throw startFailed(ctx, filled.id, result.reason);
    case 'aborted':
      throw aborted(ctx, filled.id);
  }
}

/** terminate_child: stop it by 3.7; spec kept (temporary: deleted). Not a restart; siblings untouched. */
export async function terminateChild(ctx: ManagementContext, id: string): Promise<void> {
  await ctx.table.terminate(mustFind(ctx, id));
}

/** restart_child: start a present child that is not running. */
export async function restartChild(ctx: ManagementContext, id: string): Promise<ChildStartOutcome> {
  const record = mustFind(ctx, id);
  mustBeStopped(ctx, record, 'restart');
  const result = await ctx.table.start(record);
  switch (result.kind) {
    case 'started':
    case 'ignore':
      return result;
    case 'error':
      throw startFailed(ctx, id, result.reason);
    case 'aborted':
      throw aborted(ctx, id);
  }
}

/** delete_child: remove the spec of a child that is not running. */
export function deleteChild(ctx: ManagementContext, id: string): void {
  const record = mustFind(ctx, id);
  mustBeStopped(ctx, record, 'delete');
  ctx.table.remove(record);
}

export function whichChildren(table: ChildTable): ChildInfo[] {
  return table.records.map((r): ChildInfo => {
    const { id, type } = r.spec;
    if (r.state.kind === 'running') return { id, type, status: 'running', handle: r.state.handle };
    return { id, type, status: r.state.kind === 'restarting' ? 'restarting' : 'not_running' };
  });
}

export function countChildren(table: ChildTable): ChildCounts {
  let active = 0;
  let supervisors = 0;
  for (const r of table.records) {
    if (r.state.kind === 'running' && r.state.alive) active += 1;
    if (r.spec.type === 'supervisor') supervisors += 1;
  }
  const specs = table.records.length;
  return { specs, active, supervisors, workers: specs - supervisors };
}
