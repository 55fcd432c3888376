/**
 * Checks on the data-flow graph, made on the document as written (not only on a valid one) so they
 * are reported together with the schema's findings: ids unique, destinations exist, no self-edges,
 * no cycles, EIs receive nothing, OIs send nothing, `equals` edges consistent, channels known.
 */
import type { NodeType, NodeTypeRegistry } from '../../actors/nodes/registry.js';
import { DEFAULT_KEY_GROUPS, DEFAULT_VIRTUAL_NODES } from '../../actors/routing/key-groups.js';
import { formatPath, type PathIssue, type PathSegment } from './errors.js';

interface Edge {
  readonly from: number;
  readonly to: number;
  readonly path: readonly PathSegment[];
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function problem(path: readonly PathSegment[], value: unknown, expected: string, text: string): PathIssue {
  return { path, expected, present: true, value, problem: text };
}

/** Valid output channels of a node, or undefined when its type or settings are not usable. */
function channelsOf(
  type: NodeType | undefined,
  settings: unknown,
  hasSettings: boolean,
): string[] | undefined {
  if (!type || !hasSettings) return undefined;
  return ['default', ...(type.channels ? type.channels(settings) : [])];
}

interface Graph {
  readonly nodes: readonly unknown[];
  readonly ids: ReadonlyMap<string, number>;
  readonly types: readonly (NodeType | undefined)[];
  readonly settings: ReadonlyMap<number, unknown>;
  /** Virtual nodes of the first session edge into each node keeping state per key group, and where. */
  readonly rings: Map<number, { virtualNodes: number; path: readonly PathSegment[] }>;
}

/** An edge into a node that keeps state per key group must route by its session key and key groups. */
function checkSessionInput(
  g: Graph,
  to: number,
  routing: Record<string, unknown> | undefined,
  at: PathSegment[],
  targets: number,
): PathIssue | undefined {
  const type = g.types[to];
  const node = g.nodes[to];
  if (type?.sessionInput === undefined || !g.settings.has(to) || !isMapping(node)) return undefined;
  const partitions = node['partitions'];
  if (typeof partitions === 'number' && partitions <= 1) return undefined;
  const need = type.sessionInput(g.settings.get(to));
  const attributes = routing?.['attributes'];
  const keyGroups = routing?.['keyGroups'] ?? DEFAULT_KEY_GROUPS;
  const same =
    routing?.['type'] === 'session' &&
    Array.isArray(attributes) &&
    attributes.length === need.attributes.length &&
    attributes.every((a, i) => a === need.attributes[i]) &&
    keyGroups === need.keyGroups;
  const id = String(node['id']);
  if (same && targets > 1) {
    const text =
      `"${id}" (type "${type.name}") keeps state per session key group over several partitions: an ` +
      'edge into it names it alone, so its actors are the ring that places the key groups';
    return problem([...at, 'to'], targets, `only "${id}" in to`, text);
  }
  if (same) {
    const virtualNodes = routing?.['virtualNodes'] ?? DEFAULT_VIRTUAL_NODES;
    const first = g.rings.get(to);
    if (first === undefined && typeof virtualNodes === 'number') g.rings.set(to, { virtualNodes, path: at });
    else if (first !== undefined && virtualNodes !== first.virtualNodes) {
      const text =
        `every edge into "${id}" must place key groups on the same ring: ${formatPath(first.path)} ` +
        `routes with virtualNodes ${first.virtualNodes}`;
      return problem([...at, 'routing', 'virtualNodes'], virtualNodes, `${first.virtualNodes}`, text);
    }
    return undefined;
  }
  const expected = `{ type: session, attributes: [${need.attributes.join(', ')}], keyGroups: ${need.keyGroups} }`;
  const text =
    `"${id}" (type "${type.name}") keeps state per session key group over several ` +
    `partitions: route to it with ${expected}`;
  return problem([...at, 'routing'], routing, expected, text);
}

/** Node ids in document order (first use wins); a repeated id is a problem. */
function collectIds(nodes: readonly unknown[], issues: PathIssue[]): Map<string, number> {
  const ids = new Map<string, number>();
  nodes.forEach((node, i) => {
    const id = isMapping(node) ? node['id'] : undefined;
    if (typeof id !== 'string') return;
    const first = ids.get(id);
    if (first === undefined) ids.set(id, i);
    else {
      const text = `duplicate node id "${id}" (also nodes[${first}].id)`;
      issues.push(problem(['nodes', i, 'id'], id, 'a unique node id', text));
    }
  });
  return ids;
}

/** One entry of a destination's `to` list; returns the target's index when the edge is usable. */
function checkTarget(
  g: Graph,
  from: number,
  target: string,
  path: PathSegment[],
  equals: boolean,
): PathIssue | number {
  const t = g.ids.get(target);
  if (t === undefined) return problem(path, target, 'an existing node id', `"${target}" is not a node`);
  if (t === from) {
    return problem(
      path,
      target,
      'another node',
      `"${target}" is the node itself; a node may not send to itself`,
    );
  }
  const type = g.types[t];
  if (type?.kind === 'EI') {
    const text = `"${target}" is an EI node (type "${type.name}") and may not be a destination`;
    return problem(path, target, 'a node that is not an EI', text);
  }
  const partitions = (g.nodes[t] as Record<string, unknown>)['partitions'];
  if (equals && typeof partitions === 'number' && partitions !== 1) {
    const text = `"${target}" has partitions ${partitions}; each target of an equals edge must have partitions 1`;
    return problem(path, target, 'a target with partitions 1', text);
  }
  return t;
}

function checkDestination(
  g: Graph,
  from: number,
  dest: Record<string, unknown>,
  at: PathSegment[],
  valid: string[] | undefined,
  issues: PathIssue[],
  edges: Edge[],
): void {
  const channel = dest['channel'];
  if (valid && typeof channel === 'string' && !valid.includes(channel)) {
    issues.push({
      path: [...at, 'channel'],
      expected: `one of: ${valid.join(', ')}`,
      present: true,
      value: channel,
    });
  }
  const routing = isMapping(dest['routing']) ? dest['routing'] : undefined;
  const equals = routing?.['type'] === 'equals';
  const to = Array.isArray(dest['to']) ? dest['to'] : [];
  const seen = new Set<string>();
  to.forEach((target, k) => {
    if (typeof target !== 'string') return;
    const path = [...at, 'to', k];
    if (seen.has(target)) {
      issues.push(problem(path, target, 'each target once', `"${target}" is listed twice in to`));
      return;
    }
    seen.add(target);
    const outcome = checkTarget(g, from, target, path, equals);
    if (typeof outcome === 'number') {
      edges.push({ from, to: outcome, path });
      const mismatch = checkSessionInput(g, outcome, routing, at, to.length);
      if (mismatch !== undefined) issues.push(mismatch);
    } else issues.push(outcome);
  });
  if (equals && routing) issues.push(...checkEquals(routing, to.length, [...at, 'routing']));
}

/**
 * `settings` holds, per node index, the node type's parsed settings for nodes whose settings are
 * valid (channel names can only be checked for those).
 */
export function checkGraph(
  nodes: unknown,
  registry: NodeTypeRegistry,
  settings: ReadonlyMap<number, unknown>,
): PathIssue[] {
  const issues: PathIssue[] = [];
  if (!Array.isArray(nodes)) return issues;
  const types = nodes.map((node) => {
    const name = isMapping(node) ? node['type'] : undefined;
    return typeof name === 'string' ? registry.get(name) : undefined;
  });
  const g: Graph = { nodes, ids: collectIds(nodes, issues), types, settings, rings: new Map() };
  const edges: Edge[] = [];
  nodes.forEach((node, i) => {
    const partitions = isMapping(node) ? node['partitions'] : undefined;
    const max = types[i]?.maxPartitions;
    if (max !== undefined && typeof partitions === 'number' && partitions > max) {
      const text = `a "${types[i]?.name}" node runs as at most ${max} actor(s) (it owns a listening socket)`;
      issues.push(problem(['nodes', i, 'partitions'], partitions, `at most ${max}`, text));
    }
    if (!isMapping(node) || !Array.isArray(node['destinations'])) return;
    const type = types[i];
    const destinations = node['destinations'];
    if (type?.kind === 'OI' && destinations.length > 0) {
      const text = `an OI node (type "${type.name}") may not have destinations`;
      issues.push(
        problem(['nodes', i, 'destinations'], destinations, 'no destinations for an OI node', text),
      );
    }
    const valid = channelsOf(type, settings.get(i), settings.has(i));
    destinations.forEach((dest, j) => {
      if (isMapping(dest))
        checkDestination(g, i, dest, ['nodes', i, 'destinations', j], valid, issues, edges);
    });
  });
  issues.push(...findCycles(nodes.length, edges, nodes));
  return issues;
}

function checkEquals(routing: Record<string, unknown>, targets: number, at: PathSegment[]): PathIssue[] {
  const issues: PathIssue[] = [];
  const channels = routing['channels'];
  if (!Array.isArray(channels)) return issues;
  if (targets > 0 && channels.length !== targets) {
    issues.push(
      problem(
        [...at, 'channels'],
        channels,
        `${targets} value lists`,
        `expected ${targets} value lists (one per node in to, in order), got ${channels.length}`,
      ),
    );
  }
  const owner = new Map<string, number>();
  channels.forEach((list, c) => {
    if (!Array.isArray(list)) return;
    list.forEach((value, v) => {
      if (typeof value !== 'string' && typeof value !== 'number') return;
      const key = `${typeof value}:${value}`;
      const first = owner.get(key);
      if (first === undefined) owner.set(key, c);
      else if (first !== c) {
        issues.push(
          problem(
            [...at, 'channels', c, v],
            value,
            'a value in one channel only',
            `${JSON.stringify(value)} is already in channels[${first}]; a value may be in one channel only`,
          ),
        );
      }
    });
  });
  return issues;
}

/** Depth-first search over the edges in document order; every edge back onto the path is a cycle. */
function findCycles(count: number, edges: readonly Edge[], nodes: readonly unknown[]): PathIssue[] {
  const out = new Map<number, Edge[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const idOf = (i: number) => String((nodes[i] as Record<string, unknown>)['id']);
  const state = new Array<0 | 1 | 2>(count).fill(0); // 0 unvisited, 1 on the path, 2 done
  const issues: PathIssue[] = [];
  for (let root = 0; root < count; root += 1) {
    if (state[root] !== 0) continue;
    const stack: { node: number; next: number }[] = [{ node: root, next: 0 }];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { node: number; next: number };
      const edge = (out.get(top.node) ?? [])[top.next];
      if (!edge) {
        state[top.node] = 2;
        stack.pop();
        continue;
      }
      top.next += 1;
      if (state[edge.to] === 1) {
        const from = stack.findIndex((f) => f.node === edge.to);
        const cycle = [...stack.slice(from).map((f) => idOf(f.node)), idOf(edge.to)];
        issues.push(
          problem(
            edge.path,
            idOf(edge.to),
            'a graph without cycles',
            `"${idOf(edge.to)}" closes the cycle ${cycle.join(' → ')}`,
          ),
        );
      } else if (state[edge.to] === 0) {
        state[edge.to] = 1;
        stack.push({ node: edge.to, next: 0 });
      }
    }
  }
  return issues;
}
