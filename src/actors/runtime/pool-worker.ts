/**
 * The task module that pool threads run: a registry of named, pure task functions and the handler
 * that runs one of them by name.
 *
 * A thrown error is returned as data (`TaskOutcome` with `ok: false`) instead of being rethrown:
 * the structured clone between threads keeps only an error's message, and the `code` of a
 * DecodeError is what the consumer acts on. The same handler runs inline when a pool has no threads,
 * so both modes describe failures identically.
 */
import { parseCsvLine } from '../../protocols/csv/csv.js';
import { DecodeError } from '../../protocols/errors.js';
import { decodeBatch, type DecodedBatch } from '../../protocols/nar/batch.js';
import { cutFixedWidthLine, type FixedWidthLayout, type LineFields } from '../nodes/ei/fixed-width-lines.js';

export interface CsvLinesTask {
  readonly lines: readonly string[];
  /** One character. */
  readonly delimiter: string;
}

export interface FixedWidthLinesTask {
  readonly lines: readonly string[];
  readonly layout: FixedWidthLayout;
}

/** Batch bytes (transferred to the thread) → header and records. */
export function decodeBatchTask(bytes: Uint8Array): DecodedBatch {
  return decodeBatch(bytes);
}

/** One CSV line: its fields, or the DecodeError's code and message. */
export function splitCsvLine(line: string, delimiter: string): LineFields {
  try {
    return parseCsvLine(line, { delimiter });
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    return { error: { code: err.code, message: err.message } };
  }
}

/** Splits each line; a malformed line yields its error in place, the others still yield fields. */
export function parseCsvLinesTask(task: CsvLinesTask): LineFields[] {
  const out: LineFields[] = [];
  for (const line of task.lines) out.push(splitCsvLine(line, task.delimiter));
  return out;
}

/** Cuts each line by the layout; a line too short for a required field yields `short_line` in place. */
export function cutFixedWidthLinesTask(task: FixedWidthLinesTask): LineFields[] {
  const out: LineFields[] = [];
  for (const line of task.lines) out.push(cutFixedWidthLine(line, task.layout));
  return out;
}

export const poolTasks = {
  'decode-batch': decodeBatchTask,
  'parse-csv-lines': parseCsvLinesTask,
  'cut-fixed-width-lines': cutFixedWidthLinesTask,
} as const;

export type PoolTaskName = keyof typeof poolTasks;
export type PoolTaskInput<N extends PoolTaskName> = Parameters<(typeof poolTasks)[N]>[0];
export type PoolTaskOutput<N extends PoolTaskName> = ReturnType<(typeof poolTasks)[N]>;

/** What a failed task threw, in a form that survives the trip between threads. */
export interface TaskFailure {
  readonly name: string;
  /** The error's own `code` when it has a string one (e.g. a DecodeError's), otherwise undefined. */
  readonly code: string | undefined;
  readonly message: string;
  readonly stack: string | undefined;
}

export type TaskOutcome<R> =
  { readonly ok: true; readonly value: R } | { readonly ok: false; readonly failure: TaskFailure };

/** What the pool posts to a thread for one task. */
export interface TaskMessage {
  readonly task: string;
  readonly input: unknown;
}

/** A registry of task functions; each takes one input and returns its result synchronously. */
export type TaskRegistry = Readonly<Record<string, (input: never) => unknown>>;

export function describeFailure(err: unknown): TaskFailure {
  if (err instanceof Error) {
    const code: unknown = (err as { code?: unknown }).code;
    return {
      name: err.name,
      code: typeof code === 'string' ? code : undefined,
      message: err.message,
      stack: err.stack,
    };
  }
  return { name: 'NonError', code: undefined, message: `non-Error thrown: ${String(err)}`, stack: undefined };
}

/** Runs one task function, turning a throw into a failed outcome. */
export function runTask<T, R>(fn: (input: T) => R, input: T): TaskOutcome<R> {
  try {
    return { ok: true, value: fn(input) };
  } catch (err) {
    return { ok: false, failure: describeFailure(err) };
  }
}

/** The handler a task module exports as default: looks the task up by name and runs it. */
export function taskModuleHandler(registry: TaskRegistry): (message: TaskMessage) => TaskOutcome<unknown> {
  return (message) => {
    const fn = Object.hasOwn(registry, message.task) ? registry[message.task] : undefined;
    if (fn === undefined) {
      return {
        ok: false,
        failure: {
          name: 'UnknownPoolTask',
          code: 'unknown_task',
          message: `expected one of ${Object.keys(registry).join(', ')}, got task "${message.task}"`,
          stack: undefined,
        },
      };
    }
    // The thread boundary is untyped: the pool only posts inputs typed for this task name.
    return runTask(fn as (input: unknown) => unknown, message.input);
  };
}

export default taskModuleHandler(poolTasks);
