import { describe, expect, it } from 'vitest';
import { diffMaps, jsonEqual } from '../../../src/cluster/map-store/diff.js';
import type { JsonValue, MapNode } from '../../../src/cluster/map-store/types.js';
import { node, nodesOf } from './harness.js';

describe('jsonEqual', () => {
  it.each<[JsonValue, JsonValue]>([
    [
      { a: 1, b: { c: [1, 2], d: null } },
      { b: { d: null, c: [1, 2] }, a: 1 },
    ],
    [[], []],
    [{}, {}],
    ['x', 'x'],
    [0, -0],
  ])('ensures %j equals %j regardless of key order', (a, b) => {
    expect(jsonEqual(a, b)).toBe(true);
    expect(jsonEqual(b, a)).toBe(true);
  });

  it.each<[JsonValue, JsonValue]>([
    [
      [1, 2],
      [2, 1],
    ],
    [{ a: 1 }, { a: 1, b: 2 }],
    [{ a: null }, { b: null }],
    [{ a: [] }, { a: {} }],
    [1, '1'],
    [null, {}],
    [[1], { 0: 1 }],
    [true, 1],
  ])('ensures %j differs from %j', (a, b) => {
    expect(jsonEqual(a, b)).toBe(false);
    expect(jsonEqual(b, a)).toBe(false);
  });
});

describe('diffMaps', () => {
  it('ensures added, removed and changed nodes are listed by id, and key order alone is no change', () => {
    const before = {
      version: 4,
      nodes: nodesOf(
        node('z', { v: 1 }),
        node('b', { cfg: { p: 1, q: 2 } }),
        node('m', { v: 1 }),
        node('gone'),
      ),
    };
    const reordered: MapNode = { cfg: { q: 2, p: 1 }, id: 'b' };
    const after = {
      version: 7,
      nodes: nodesOf(node('new-2'), reordered, node('z', { v: 2 }), node('m', { v: [1] }), node('new-1')),
    };
    expect(diffMaps(before, after)).toEqual({
      from: 4,
      to: 7,
      added: [node('new-1'), node('new-2')],
      removed: ['gone'],
      changed: [
        { before: node('m', { v: 1 }), after: node('m', { v: [1] }) },
        { before: node('z', { v: 1 }), after: node('z', { v: 2 }) },
      ],
      notices: [],
    });
  });

  it('ensures identical maps give an empty diff that still spans the versions', () => {
    const nodes = nodesOf(node('a', { x: [1, { y: 2 }] }));
    expect(diffMaps({ version: 1, nodes }, { version: 2, nodes: structuredClone(nodes) })).toEqual({
      from: 1,
      to: 2,
      added: [],
      removed: [],
      changed: [],
      notices: [],
    });
  });

  it('ensures a node id shaped like an Object.prototype member is treated as an ordinary id', () => {
    const diff = diffMaps(
      { version: 0, nodes: {} },
      { version: 1, nodes: nodesOf(node('constructor'), node('toString')) },
    );
    expect(diff.added.map((n) => n.id)).toEqual(['constructor', 'toString']);
    expect(
      diffMaps({ version: 1, nodes: nodesOf(node('constructor')) }, { version: 2, nodes: {} }).removed,
    ).toEqual(['constructor']);
  });

  it('ensures replaying a diff onto the old nodes gives the new nodes', () => {
    const before = { version: 1, nodes: nodesOf(node('a', { n: 1 }), node('b'), node('c', { k: 'v' })) };
    const after = { version: 2, nodes: nodesOf(node('a', { n: 2 }), node('c', { k: 'v' }), node('d')) };
    const d = diffMaps(before, after);
    const nodes: Record<string, MapNode> = { ...before.nodes };
    for (const id of d.removed) delete nodes[id];
    for (const n of [...d.added, ...d.changed.map((c) => c.after)]) nodes[n.id] = n;
    expect(nodes).toEqual(after.nodes);
  });
});
