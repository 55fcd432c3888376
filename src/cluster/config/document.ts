/**
 * The YAML side: parse a config file keeping positions, report syntax errors with line and column,
 * and find where a path of the document is written so issues come out in document order.
 */
import { Document, isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { ConfigIssue, PathSegment, Position } from './errors.js';

export interface ParsedFile {
  readonly doc: Document;
  readonly lines: LineCounter;
  /** The document as plain data (mappings, lists, scalars). */
  readonly data: unknown;
  /** YAML warnings (not errors), already formatted `<file>:<line>:<col>: YAML warning: …`. */
  readonly warnings: string[];
}

export type ParseOutcome =
  { readonly ok: true; readonly file: ParsedFile } | { readonly ok: false; readonly issues: ConfigIssue[] };

/** Parses `text`; `file` is the name printed in messages. Syntax errors come back all at once. */
export function parseConfigText(file: string, text: string): ParseOutcome {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): Position => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((err): ConfigIssue => {
      const pos = at(err.pos[0]);
      return {
        file,
        path: '',
        expected: 'valid YAML',
        message: `${file}:${pos.line}:${pos.column}: YAML syntax error: ${err.message}`,
        line: pos.line,
        column: pos.column,
      };
    });
    return { ok: false, issues };
  }
  const warnings = doc.warnings.map((w) => {
    const pos = at(w.pos[0]);
    return `${file}:${pos.line}:${pos.column}: YAML warning: ${w.message}`;
  });
  return { ok: true, file: { doc, lines, data: doc.toJS({ maxAliasCount: 100 }) as unknown, warnings } };
}

function resolve(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function start(node: unknown): number | undefined {
  return isNode(node) && node.range ? node.range[0] : undefined;
}

/**
 * Offset where `path` is written: the key of a mapping entry or the start of a list item. For a path
 * not in the file (a missing key, a default, a value added by --set) the nearest written ancestor.
 */
export function offsetOf(parsed: ParsedFile, path: readonly PathSegment[]): number {
  const { doc } = parsed;
  let node: unknown = resolve(doc, doc.contents);
  let best = start(node) ?? 0;
  for (const seg of path) {
    if (typeof seg === 'number' && isSeq(node)) {
      const item: unknown = node.items[seg];
      if (item === undefined) break;
      best = start(item) ?? best;
      node = resolve(doc, item);
    } else if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
      );
      if (!pair) break;
      best = start(pair.key) ?? best;
      node = resolve(doc, pair.value);
    } else {
      break;
    }
  }
  return best;
}

export function positionOf(parsed: ParsedFile, offset: number): Position {
  const p = parsed.lines.linePos(offset);
  return { line: p.line, column: p.col };
}
