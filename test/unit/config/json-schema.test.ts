import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NodeTypeRegistry, type NodeType } from '../../../src/actors/nodes/registry.js';
import { configJsonSchema } from '../../../src/cluster/config/index.js';
import { testRegistry } from './fake-types.js';

type Json = Record<string, unknown>;

function at(value: unknown, ...path: (string | number)[]): unknown {
  let v = value;
  for (const seg of path) v = (v as Record<string | number, unknown>)[seg];
  return v;
}

interface Condition {
  attr: string;
  any?: Condition[];
}
const conditionSchema: z.ZodType<Condition> = z.strictObject({
  attr: z.string(),
  get any() {
    return z.array(conditionSchema).optional();
  },
});

/** A type whose settings schema refers to itself, as rule trees do. */
const ruleEp: NodeType<Condition> = {
  name: 'rule-ep',
  kind: 'EP',
  description: 'routes by a rule tree',
  settings: conditionSchema,
  checkpoint: 'periodic',
  create: () => {
    throw new Error('rule-ep is a config-test double and cannot be started');
  },
};

describe('configJsonSchema', () => {
  const schema = configJsonSchema(testRegistry(['tcp-ei', 'file-oi']));

  it('ensures the document is a draft 2020-12 schema that rejects unknown keys and requires version and nodes', () => {
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['additionalProperties']).toBe(false);
    expect(schema['required']).toEqual(['version', 'nodes']);
    expect(at(schema, 'properties', 'version')).toEqual({ type: 'number', const: 1 });
    expect(at(schema, 'properties', 'host', 'properties', 'metrics', 'properties', 'port')).toEqual({
      default: 9464,
      type: 'integer',
      minimum: 0,
      maximum: 65535,
    });
  });

  it("ensures the host id carries no default, since the default is the generating machine's name", () => {
    expect(at(schema, 'properties', 'host', 'properties', 'id')).toEqual({
      type: 'string',
      pattern: '^[A-Za-z0-9._-]{1,64}$',
    });
  });

  it('ensures node types are an enum of the registered names and settings are constrained per type', () => {
    const node = at(schema, 'properties', 'nodes', 'items') as Json;
    expect(at(node, 'properties', 'type')).toEqual({ type: 'string', enum: ['file-oi', 'tcp-ei'] });
    expect(node['allOf']).toEqual([
      {
        if: { properties: { type: { const: 'file-oi' } }, required: ['type'] },
        then: {
          properties: {
            settings: {
              description: 'writes records to files',
              type: 'object',
              properties: { dir: { type: 'string', minLength: 1 } },
              required: ['dir'],
              additionalProperties: false,
            },
          },
        },
      },
      {
        if: { properties: { type: { const: 'tcp-ei' } }, required: ['type'] },
        then: {
          properties: {
            settings: {
              description: 'collects records from a TCP listener',
              type: 'object',
              properties: {
                listen: {
                  type: 'object',
                  properties: {
                    host: { default: '0.0.0.0', type: 'string' },
                    port: { type: 'integer', minimum: 1, maximum: 65535 },
                  },
                  required: ['port'],
                  additionalProperties: false,
                },
              },
              required: ['listen'],
              additionalProperties: false,
            },
          },
        },
      },
    ]);
  });

  it('ensures the output is plain JSON and the same on every call, so a committed copy can be compared', () => {
    const again = configJsonSchema(testRegistry(['tcp-ei', 'file-oi']));
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    expect(JSON.stringify(again)).toBe(JSON.stringify(schema));
  });

  it('ensures a recursive settings schema is moved to $defs so its references resolve from the root', () => {
    const registry = new NodeTypeRegistry();
    registry.register(ruleEp);
    const out = configJsonSchema(registry);
    const then = at(out, 'properties', 'nodes', 'items', 'allOf', 0, 'then', 'properties', 'settings');
    expect(then).toEqual({ description: 'routes by a rule tree', $ref: '#/$defs/rule-ep.settings' });
    expect(at(out, '$defs', 'rule-ep.settings')).toEqual({
      type: 'object',
      properties: {
        attr: { type: 'string' },
        any: { type: 'array', items: { $ref: '#/$defs/rule-ep.settings' } },
      },
      required: ['attr'],
      additionalProperties: false,
    });
  });
});
