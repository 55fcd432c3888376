/**
 * Small node types for config tests: a TCP collector (EI), a filter with named output channels (EP)
 * and a file writer (OI). Config validation never starts nodes, so their factories refuse to run.
 */
import { z } from 'zod';
import { NodeTypeRegistry, type NodeType } from '../../../src/actors/nodes/registry.js';
import type { NodeHandler } from '../../../src/actors/runtime/actor.js';

function notStarted(name: string): () => NodeHandler {
  return () => {
    throw new Error(`node type "${name}" is a config-test double and cannot be started`);
  };
}

const tcpSettings = z.strictObject({
  listen: z.strictObject({ host: z.string().default('0.0.0.0'), port: z.int().min(1).max(65535) }),
});

export const tcpEi: NodeType<z.output<typeof tcpSettings>> = {
  name: 'tcp-ei',
  kind: 'EI',
  description: 'collects records from a TCP listener',
  settings: tcpSettings,
  checkpoint: 'periodic',
  create: notStarted('tcp-ei'),
};

const filterSettings = z.strictObject({
  rule: z.string().default('true'),
  outputs: z.array(z.string().regex(/^[a-z]+$/)).default([]),
});

export const filterEp: NodeType<z.output<typeof filterSettings>> = {
  name: 'filter-ep',
  kind: 'EP',
  description: 'filters and routes records by rule',
  settings: filterSettings,
  channels: (s) => s.outputs,
  checkpoint: 'periodic',
  create: notStarted('filter-ep'),
};

const fileSettings = z.strictObject({ dir: z.string().min(1) });

export const fileOi: NodeType<z.output<typeof fileSettings>> = {
  name: 'file-oi',
  kind: 'OI',
  description: 'writes records to files',
  settings: fileSettings,
  checkpoint: 'on-request',
  create: notStarted('file-oi'),
};

const registerers = {
  'tcp-ei': (r: NodeTypeRegistry) => r.register(tcpEi),
  'filter-ep': (r: NodeTypeRegistry) => r.register(filterEp),
  'file-oi': (r: NodeTypeRegistry) => r.register(fileOi),
} as const;

export type FakeTypeName = keyof typeof registerers;

/** A registry holding the named fake types (all three by default). */
export function testRegistry(
  names: readonly FakeTypeName[] = ['tcp-ei', 'filter-ep', 'file-oi'],
): NodeTypeRegistry {
  const registry = new NodeTypeRegistry();
  for (const name of names) registerers[name](registry);
  return registry;
}
