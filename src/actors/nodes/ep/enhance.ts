/**
 * `enhance-ep`: seed 002's enhancement node. An ordered list of rules runs on every record:
 * attribute addition (`set`, `lookup`, `ipGroup`), attribute filtering (`rename`, `drop`, `keep`),
 * record filtering (`filter`), splitting 1 → n (`split`) and routing by condition (`route`). The
 * rule kinds live in `./rules/`; tables are checked at config load and reloaded on change.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Nar } from '../../../protocols/nar/nar.js';
import type { HandlerContext, NodeEnv, NodeHandler } from '../../runtime/actor.js';
import type { NodeType } from '../registry.js';
import { RulesFileError, type RulesFileProblem } from '../rules-errors.js';
import { Chain } from './rules/chain.js';
import { parseIpRanges } from './rules/ip-ranges.js';
import { parseLookupTable } from './rules/lookup-table.js';
import { routeChannels } from './rules/route.js';
import { enhanceSettings, type EnhanceRule, type EnhanceSettings } from './rules/schema.js';
import { parseSeedRulesFile } from './rules/seed-format.js';
import { TableReloader } from './rules/table-reload.js';

class EnhanceHandler implements NodeHandler {
  readonly #chain: Chain;
  readonly #reloader: TableReloader;

  constructor(
    settings: EnhanceSettings,
    private readonly env: NodeEnv,
  ) {
    this.#chain = new Chain(settings.rules);
    this.#reloader = new TableReloader(this.#chain.tables, settings.reloadCheckMs);
  }

  init(snapshot: unknown): void {
    this.#reloader.restore(snapshot, this.env.log);
  }

  handleBatch(records: Nar[], ctx: HandlerContext): void {
    this.#chain.runBatch(records, ctx);
  }

  handleTick(nowMs: number, ctx: HandlerContext): Promise<void> {
    return this.#reloader.onTick(nowMs, ctx);
  }

  snapshot(): unknown {
    return this.#reloader.snapshot();
  }

  held(): number {
    return 0;
  }
}

/** Reads and checks one table named in a rule; problems name the file as the config gives it. */
async function checkTable(
  given: string,
  absolute: string,
  parse: (text: string, file: string) => unknown,
): Promise<readonly RulesFileProblem[]> {
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    return [{ file: given, message: `cannot read: ${err instanceof Error ? err.message : String(err)}` }];
  }
  try {
    parse(text, given);
    return [];
  } catch (err) {
    if (err instanceof RulesFileError) return err.problems;
    throw err;
  }
}

/** Absolute table paths in the rules, every table read and checked; all problems thrown at once. */
async function resolveTables(settings: EnhanceSettings, configDir: string): Promise<EnhanceSettings> {
  const problems: RulesFileProblem[] = [];
  const rules: EnhanceRule[] = [];
  for (const rule of settings.rules) {
    if (rule.lookup !== undefined) {
      const l = rule.lookup;
      const file = path.resolve(configDir, l.file);
      const spec = { keyColumn: l.keyColumn, columns: l.columns, delimiter: l.delimiter };
      problems.push(...(await checkTable(l.file, file, (t, f) => parseLookupTable(t, f, spec))));
      rules.push({ ...rule, lookup: { ...l, file } });
    } else if (rule.ipGroup !== undefined) {
      const g = rule.ipGroup;
      const table = path.resolve(configDir, g.table);
      problems.push(...(await checkTable(g.table, table, (t, f) => parseIpRanges(t, f, g.type))));
      rules.push({ ...rule, ipGroup: { ...g, table } });
    } else rules.push(rule);
  }
  if (problems.length > 0) throw new RulesFileError(problems);
  return { ...settings, rules };
}

export const enhanceEp: NodeType<EnhanceSettings> = {
  name: 'enhance-ep',
  kind: 'EP',
  description:
    'enhances records by ordered rules: set, rename, drop/keep, CSV lookup, IP-to-group ranges, filter, split, route',
  settings: enhanceSettings,
  channels: (settings) => routeChannels(settings.rules),
  checkpoint: 'periodic',
  create: (settings, env) => new EnhanceHandler(settings, env),
  parseRulesFile: parseSeedRulesFile,
  resolveFiles: resolveTables,
};
