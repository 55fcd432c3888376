/**
 * Cutting fixed-width lines into fields, and the per-line result shape shared with CSV splitting
 * (the pool tasks return it across threads, so it is plain data: fields, or an error's code and message).
 */

/** A line that could not be split: the reason code (the quarantine reason) and a message. */
export interface LineError {
  readonly error: { readonly code: string; readonly message: string };
}

/** Per line: its fields, or why it could not be split. */
export type LineFields = string[] | LineError;

/** Where each rule's field is, as plain arrays (cheap to send to a pool thread). */
export interface FixedWidthLayout {
  readonly names: readonly string[];
  /** 0-based offset of each field's first character. */
  readonly starts: readonly number[];
  /** Offset just after each field's last character. */
  readonly ends: readonly number[];
  readonly required: readonly boolean[];
}

export function fixedWidthLayout(
  rules: ReadonlyArray<{
    name: string;
    start?: number | undefined;
    width?: number | undefined;
    required: boolean;
  }>,
): FixedWidthLayout {
  return {
    names: rules.map((r) => r.name),
    starts: rules.map((r) => (r.start ?? 1) - 1),
    ends: rules.map((r) => (r.start ?? 1) - 1 + (r.width ?? 0)),
    required: rules.map((r) => r.required),
  };
}

/**
 * The fields of one line in rule order, each trimmed of surrounding white space. A field past the
 * end of the line is '' (partly past: the part that is there); a line that ends before a required
 * field does is `short_line`. Characters are UTF-16 code units of the decoded line.
 */
export function cutFixedWidthLine(line: string, layout: FixedWidthLayout): LineFields {
  const n = layout.starts.length;
  const out = new Array<string>(n);
  const len = line.length;
  for (let i = 0; i < n; i++) {
    const start = layout.starts[i] as number;
    const end = layout.ends[i] as number;
    if (end > len && layout.required[i] === true) {
      return {
        error: {
          code: 'short_line',
          message: `field ${layout.names[i]} (characters ${start + 1}–${end}) needs a line of at least ${end} characters, got ${len}`,
        },
      };
    }
    out[i] = start >= len ? '' : line.slice(start, end < len ? end : len).trim();
  }
  return out;
}
