/**
 * The config file, version 1, in code: every key, its range and its default. Unknown keys are
 * rejected at every level. Node `settings` are left open here: each node type's own schema checks
 * them (see validate.ts). This is also the source of config/narflow.schema.json (json-schema.ts).
 */
import os from 'node:os';
import { z } from 'zod';
import { DEFAULT_KEY_GROUPS, DEFAULT_VIRTUAL_NODES } from '../../actors/routing/key-groups.js';
import { worded } from './describe.js';

const int = (min: number, max?: number) => (max === undefined ? z.int().min(min) : z.int().min(min).max(max));

const NAME_CHARS = '1–64 characters from A–Z, a–z, 0–9, ".", "_", "-"';

/** Host ids and map ids: `[A-Za-z0-9._-]{1,64}`. */
const name64 = () => worded(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/), NAME_CHARS);

export const nodeIdSchema = worded(
  z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/),
  'node id: a lowercase letter, then up to 62 lowercase letters, digits, "_" or "-"',
);

/** `host.id`: validated like a written value, so an unusable host name is reported, not used. */
export const hostIdSchema = name64().prefault(() => os.hostname());

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export const hostSchema = z.strictObject({
  id: hostIdSchema,
  dataDir: z.string().min(1).default('./data'),
  tickIntervalMs: int(10, 60_000).default(1000),
  groupCommitMs: int(0, 1000).default(5),
  checkpointIntervalMs: int(10, 600_000).default(1000),
  /** Share of an actor's thread periodic checkpoints may take: a checkpoint that took t ms waits t / this for the next. */
  checkpointMaxLoad: z.number().min(0.001).max(1).default(0.05),
  /** An actor fed by others whose time is this far behind the wall clock raises `time_lag` (0: never). */
  timeLagAlarmSeconds: int(0, 2_678_400).default(300),
  startTimeoutMs: int(100, 600_000).default(30_000),
  segmentBytes: int(1_048_576, 4_294_967_296).default(67_108_864),
  /** Per actor: payload bytes of input-log entries kept in memory for handling; the rest is read back from the log. */
  inputMemoryBytes: int(65_536, 4_294_967_296).default(33_554_432),
  batch: z
    .strictObject({
      maxRecords: int(1, 100_000).default(1000),
      mailboxBatches: int(1, 1024).default(16),
    })
    .prefault({}),
  retention: z.strictObject({ periodSeconds: int(0).default(0) }).prefault({}),
  metrics: z
    .strictObject({
      enabled: z.boolean().default(true),
      host: z.string().min(1).default('127.0.0.1'),
      port: int(0, 65_535).default(9464),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(LOG_LEVELS).default('info'),
      errorRateLimitSeconds: int(0, 3600).default(10),
    })
    .prefault({}),
  pool: z.strictObject({ threads: int(0, 64).default(0) }).prefault({}),
  /** V8 heap of the actors' worker threads (see src/cluster/host/worker-heap.ts). */
  heap: z.strictObject({ initialOldSpaceMb: int(0, 65_536).default(64) }).prefault({}),
});

export const mapStoreSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('memory') }),
  z.strictObject({
    type: z.literal('redis'),
    url: worded(z.string().regex(/^rediss?:\/\/\S+$/), 'redis:// or rediss:// URL').default(
      'redis://127.0.0.1:6379',
    ),
    mapId: name64().default('narflow'),
  }),
]);

export const backoffSchema = z
  .strictObject({
    initialMs: int(0, 3_600_000).default(100),
    maxMs: int(0, 3_600_000).default(10_000),
    factor: z.number().min(1).max(100).default(2),
    jitter: z.number().min(0).max(1).default(0.2),
    resetAfterMs: int(0, 86_400_000).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.maxMs < b.initialMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxMs'],
        message: `integer ≥ initialMs (${b.initialMs})`,
        input: b.maxMs,
      });
    }
  });

/** Restart intensity and period (seconds); bounded so the checks on them stay cheap. */
const intensity = (d: number) => int(0, 10_000).default(d);
const period = (d: number) => int(1, 86_400).default(d);

export const supervisionSchema = z.strictObject({
  root: z.strictObject({ intensity: intensity(3), period: period(60) }).prefault({}),
  pipeline: z
    .strictObject({
      strategy: z.enum(['one_for_one', 'one_for_all', 'rest_for_one']).default('one_for_one'),
      intensity: intensity(10),
      period: period(60),
      backoff: backoffSchema.prefault({}),
    })
    .prefault({}),
});

export const nodeSupervisionSchema = z.strictObject({
  restart: z.enum(['permanent', 'transient', 'temporary']).default('permanent'),
  shutdown: z.union([z.enum(['brutal_kill', 'infinity']), int(0)]).default(5000),
  backoff: backoffSchema.optional(),
  poisonAfter: int(1, 100).default(3),
});

const attribute = z.string().min(1);

export const routingSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('round-robin') }),
  z.strictObject({ type: z.literal('all') }),
  z.strictObject({ type: z.literal('hash'), attribute }),
  z.strictObject({
    type: z.literal('equals'),
    attribute,
    channels: z.array(z.array(z.union([z.string(), z.number()])).min(1)).min(1),
    unmatched: z.enum(['quarantine', 'drop']).default('quarantine'),
  }),
  z.strictObject({
    type: z.literal('session'),
    attributes: z.array(attribute).min(1),
    keyGroups: int(1, 65_536).default(DEFAULT_KEY_GROUPS),
    virtualNodes: int(1, 4096).default(DEFAULT_VIRTUAL_NODES),
  }),
]);

export const destinationSchema = z.strictObject({
  to: z.array(z.string().min(1)).min(1),
  channel: z.string().min(1).default('default'),
  routing: routingSchema.prefault({ type: 'round-robin' }),
});

/** The node-type field: one of the registered names, or any name when they are not all known. */
function typeNameSchema(typeNames: readonly string[]): z.ZodType<string> {
  const [first, ...rest] = [...typeNames].sort();
  return first === undefined ? z.string().min(1) : z.enum([first, ...rest]);
}

export function nodeSchema(typeNames: readonly string[]) {
  return z.strictObject({
    id: nodeIdSchema,
    type: typeNameSchema(typeNames),
    partitions: int(1, 256).default(1),
    settings: z.unknown().default({}),
    /** The node's rules block (checked by its type's schema as `settings.rules`). */
    rules: z.unknown().optional(),
    /** The rules block in a file, relative to the config file (replaced by `rules` when loaded). */
    rulesFile: z.string().min(1).optional(),
    supervision: nodeSupervisionSchema.prefault({}),
    destinations: z.array(destinationSchema).default([]),
  });
}

/** The whole config for the given node-type names (an empty list accepts any type name). */
export function configSchema(typeNames: readonly string[]) {
  const schema = z.strictObject({
    version: z.literal(1),
    plugins: z.array(z.string().min(1)).default([]),
    host: hostSchema.prefault({}),
    mapStore: mapStoreSchema.prefault({ type: 'memory' }),
    supervision: supervisionSchema.prefault({}),
    nodes: z.array(nodeSchema(typeNames)).min(1),
  });
  return worded(schema, 'mapping with version: 1 and nodes');
}

/** The config with every default filled in, as validated. Node `settings` are the type's output. */
export type NarflowConfig = z.output<ReturnType<typeof configSchema>>;
export type NodeConfig = NarflowConfig['nodes'][number];
export type DestinationConfig = NodeConfig['destinations'][number];
export type RoutingConfig = DestinationConfig['routing'];
export type BackoffConfig = z.output<typeof backoffSchema>;
export type MapStoreConfig = NarflowConfig['mapStore'];
export type HostConfig = NarflowConfig['host'];
