import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, describeSchema, loadConfig, worded } from '../../../src/cluster/config/index.js';
import { testRegistry } from './fake-types.js';

describe('describeSchema words the expectation of any zod schema', () => {
  it.each([
    ['integer range', z.int().min(1).max(65535), 'integer 1–65535'],
    ['integer floor', z.int().min(0), 'integer ≥ 0'],
    ['number with open bound', z.number().gt(0).max(1), 'number > 0 and ≤ 1'],
    ['number ceiling', z.number().lt(5), 'number < 5'],
    ['plain integer', z.int(), 'integer'],
    ['multiple', z.int().min(0).multipleOf(8), 'integer ≥ 0, a multiple of 8'],
    ['non-empty string', z.string().min(1), 'non-empty string'],
    ['bounded string', z.string().min(2).max(8), 'string of 2–8 characters'],
    ['regex without words', z.string().regex(/^[a-f0-9]+$/), 'string matching /^[a-f0-9]+$/'],
    [
      'regex with words',
      worded(z.string().regex(/^[a-f0-9]+$/), 'lowercase hex digits'),
      'lowercase hex digits',
    ],
    ['string format', z.email(), 'string in email format'],
    ['enum', z.enum(['a', 'b', 'c']), 'one of: a, b, c'],
    ['literal', z.literal('v1'), 'v1'],
    ['boolean', z.boolean(), 'true or false'],
    [
      'union of words and a number',
      z.union([z.enum(['brutal_kill', 'infinity']), z.int().min(0)]),
      'brutal_kill, infinity or integer ≥ 0',
    ],
    ['nullable', z.string().nullable(), 'string or null'],
    ['defaulted', z.int().min(1).max(9).default(3), 'integer 1–9'],
    ['non-empty list', z.array(z.string()).min(1), 'non-empty list'],
    ['mapping', z.strictObject({ a: z.string() }), 'mapping'],
    [
      'discriminated union',
      z.discriminatedUnion('kind', [z.object({ kind: z.literal('x') }), z.object({ kind: z.literal('y') })]),
      'mapping with kind one of: x, y',
    ],
  ])('ensures %s reads as expected', (_name, schema, text) => {
    expect(describeSchema(schema)).toBe(text);
  });
});

describe('edge documents', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'narflow-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function messagesFor(name: string, text: string, sets: string[] = []): Promise<string[]> {
    const file = path.join(dir, name);
    await writeFile(file, text);
    const err = await loadConfig(file, { registry: testRegistry(), sets }).catch((e: unknown) => e);
    if (!(err instanceof ConfigError)) throw new Error(`${name} was accepted`);
    return err.issues.map((i) => i.message);
  }

  it('ensures an empty file says what a config file must hold', async () => {
    const file = path.join(dir, 'empty.yaml');
    expect(await messagesFor('empty.yaml', '')).toEqual([
      `${file}: expected mapping with version: 1 and nodes, got null`,
    ]);
  });

  it('ensures a YAML syntax error is reported with line and column', async () => {
    const file = path.join(dir, 'syntax.yaml');
    const text =
      'version: 1\nnodes:\n  - id: oi-1\n    type: file-oi\n    settings: { dir: ./out\n  - id: oi-2\n';
    await writeFile(file, text);
    const err = await loadConfig(file, { registry: testRegistry() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    expect(issues.map((i) => i.message)).toEqual([
      `${file}:6:3: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }`,
    ]);
    expect(issues[0]).toMatchObject({ file, path: '', line: 6, column: 3, expected: 'valid YAML' });
  });

  it('ensures a duplicate YAML key is a syntax error at its line', async () => {
    const file = path.join(dir, 'dup.yaml');
    expect(await messagesFor('dup.yaml', 'version: 1\nnodes: []\nversion: 1\n')).toEqual([
      `${file}:3:1: YAML syntax error: Map keys must be unique`,
    ]);
  });

  it('ensures a default that fails a cross-field check is reported as a default', async () => {
    const file = path.join(dir, 'backoff.yaml');
    const text = 'version: 1\nnodes:\n  - { id: oi-1, type: file-oi, settings: { dir: out } }\n';
    expect(await messagesFor('backoff.yaml', text, ['supervision.pipeline.backoff.initialMs=20000'])).toEqual(
      [
        `${file}: supervision.pipeline.backoff.maxMs: expected integer ≥ initialMs (20000), got 10000 ` +
          '(a default, not written in the file)',
      ],
    );
  });

  it('ensures a --set value that is not valid YAML and a malformed path are both reported', async () => {
    const text = 'version: 1\nnodes:\n  - { id: oi-1, type: file-oi, settings: { dir: out } }\n';
    expect(await messagesFor('sets.yaml', text, ['host.metrics=[1', 'host..port=1'])).toEqual([
      '--set host.metrics=[1: value is not valid YAML: Flow sequence must end with a ]',
      '--set host..port=1: expected a path like host.metrics.port, nodes[0].partitions or nodes[<id>].settings.x, got "host..port"',
    ]);
  });
});
