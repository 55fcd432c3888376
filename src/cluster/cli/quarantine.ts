/**
 * `narflow quarantine list|replay`: inspect rejected input, and send it back to the node that
 * rejected it once the cause is fixed. Replayed entries are marked so they never replay twice.
 */
import { join, resolve } from 'node:path';
import { loadRegistry } from '../../actors/nodes/load.js';
import { QuarantineReader, type QuarantineEntry } from '../../actors/quarantine/store.js';
import { selectForReplay } from '../../actors/quarantine/replay.js';
import { loadConfig } from '../config/index.js';
import { actorDirOf } from '../host/plan.js';
import { UsageError } from './usage-error.js';

export interface QuarantineOptions {
  readonly dataDir: string | undefined;
  readonly node: string | undefined;
  readonly reason: string | undefined;
  readonly ids: string[] | undefined;
  readonly json: boolean;
  readonly sets: readonly string[];
}

function printable(raw: Uint8Array): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(raw.subarray(0, 200));
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x08\x0e-\x1f]/.test(text) ? `<${raw.length} bytes>` : text;
}

function toJson(e: QuarantineEntry): Record<string, unknown> {
  return { ...e, raw: new TextDecoder('utf-8', { fatal: false }).decode(e.raw) };
}

export async function quarantineCommand(args: readonly string[], o: QuarantineOptions): Promise<number> {
  const [sub, file] = args;
  if (sub === 'list') {
    const reader = new QuarantineReader(join(resolve(o.dataDir ?? './data'), 'quarantine'));
    const entries = await reader.list({ node: o.node, reason: o.reason });
    if (o.json) {
      process.stdout.write(
        `${JSON.stringify(entries.map(toJson), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`,
      );
      return 0;
    }
    for (const e of entries) {
      const when = new Date(e.timeMs).toISOString();
      const state = e.replayedAtMs === undefined ? '' : ' (replayed)';
      process.stdout.write(
        `${e.id}  ${when}  ${e.node}  ${e.reason}${state}  ${JSON.stringify(e.detail ?? {})}\n    ${printable(e.raw)}\n`,
      );
    }
    process.stdout.write(`${entries.length} quarantined entr${entries.length === 1 ? 'y' : 'ies'}\n`);
    return 0;
  }
  if (sub === 'replay') {
    if (file === undefined)
      throw new UsageError(
        'quarantine replay: the config file is required (it says where each node takes input)',
      );
    const registry = await loadRegistry([]);
    const config = await loadConfig(file, { registry, sets: [...o.sets], dataDir: o.dataDir });
    const reader = new QuarantineReader(join(config.host.dataDir, 'quarantine'));
    const selected = await selectForReplay(reader, { ids: o.ids, node: o.node, reason: o.reason });
    const byNode = new Map<string, QuarantineEntry[]>();
    for (const e of selected) byNode.set(e.node, [...(byNode.get(e.node) ?? []), e]);
    for (const [nodeId, entries] of byNode) {
      const node = config.nodes.find((n) => n.id === nodeId);
      const type = node === undefined ? undefined : registry.get(node.type);
      if (node === undefined || type?.replay === undefined) {
        process.stderr.write(
          `narflow: ${entries.length} entries of node ${nodeId} cannot be replayed: ${node === undefined ? 'the node is not in this config' : `node type ${node.type} takes no replayed input`}\n`,
        );
        continue;
      }
      const where = await type.replay(
        node.settings,
        entries.map((e) => e.raw),
        { actorDir: actorDirOf(config.host.dataDir, nodeId, 0) },
        entries.map((e) => e.detail),
      );
      await reader.markReplayed(
        entries.map((e) => e.id),
        Date.now(),
      );
      process.stdout.write(`replayed ${entries.length} entries of node ${nodeId} into ${where}\n`);
    }
    if (selected.length === 0) process.stdout.write('nothing to replay\n');
    return 0;
  }
  throw new UsageError(`quarantine: expected "list" or "replay", got ${JSON.stringify(sub ?? '')}`);
}
