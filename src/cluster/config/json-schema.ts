/**
 * The JSON Schema (draft 2020-12) editors use to check and complete config files: the config schema,
 * with each node's `settings` constrained by its `type` (one if/then per registered node type).
 */
import { z } from 'zod';
import type { NodeTypeRegistry } from '../../actors/nodes/registry.js';
import { configSchema, hostIdSchema } from './schema.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Rewrites references of an embedded schema: `#/$defs/x` → `#/$defs/<prefix>x` and `#` (the embedded
 * schema itself, used by recursive schemas) → `self`. Reports whether `#` occurred.
 */
function rewriteRefs(value: unknown, prefix: string, self: string, seen: { root: boolean }): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, prefix, self, seen));
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && v === '#') {
      seen.root = true;
      out[k] = self;
    } else if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) {
      out[k] = `#/$defs/${prefix}${v.slice('#/$defs/'.length)}`;
    } else {
      out[k] = rewriteRefs(v, prefix, self, seen);
    }
  }
  return out;
}

/**
 * A node type's settings as a sub-schema. Its own definitions move to the root `$defs` under
 * `<type>.`, and a settings schema that refers to itself is placed there as `<type>.settings`,
 * so every reference still resolves once embedded.
 */
function settingsSchema(name: string, schema: z.core.$ZodType, defs: Json): Json {
  const raw = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Json;
  const prefix = `${name}.`;
  const selfKey = `${prefix}settings`;
  const seen = { root: false };
  const rewritten = rewriteRefs(raw, prefix, `#/$defs/${selfKey}`, seen) as Json;
  const { $schema: _schema, $defs, ...body } = rewritten;
  if (isObject($defs)) for (const [k, v] of Object.entries($defs)) defs[prefix + k] = v;
  if (!seen.root) return body;
  defs[selfKey] = body;
  return { $ref: `#/$defs/${selfKey}` };
}

export function configJsonSchema(registry: NodeTypeRegistry): Json {
  const names = registry.names();
  const root = z.toJSONSchema(configSchema(names), {
    target: 'draft-2020-12',
    io: 'input',
    // The host id defaults to the machine's host name: not something to write into a shared file.
    override: (ctx) => {
      if (ctx.zodSchema === hostIdSchema) delete ctx.jsonSchema.default;
    },
  }) as Json;
  const nodes = isObject(root['properties']) ? root['properties']['nodes'] : undefined;
  const node = isObject(nodes) ? nodes['items'] : undefined;
  if (!isObject(node))
    throw new Error('config JSON schema: expected properties.nodes.items to be a schema object');

  const defs: Json = isObject(root['$defs']) ? { ...root['$defs'] } : {};
  node['allOf'] = names.map((name) => {
    const type = registry.get(name);
    if (!type) throw new Error(`config JSON schema: node type "${name}" is listed but not registered`);
    return {
      if: { properties: { type: { const: name } }, required: ['type'] },
      then: {
        properties: {
          settings: { description: type.description, ...settingsSchema(name, type.settings, defs) },
        },
      },
    };
  });
  if (Object.keys(defs).length > 0) root['$defs'] = defs;
  return {
    $schema: root['$schema'],
    title: 'narflow configuration',
    description: 'narflow config file, version 1 (generated from src/cluster/config/schema.ts)',
    ...root,
  };
}
