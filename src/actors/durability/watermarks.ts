/**
 * Per-producer high-water marks (DESIGN "exactly once", rule 4): a batch whose sequence is at or
 * below its producer's mark is a re-send after a replay and is dropped. Sequences start at 1. A
 * sequence that skips ahead (a gap) is still accepted — the producer's own checkpoint decides what it
 * sends — but it is counted so that it shows.
 */
import { WatermarkError } from './errors.js';

export class Watermarks {
  private readonly marks = new Map<string, number>();
  private gapCount = 0;
  private rejectedCount = 0;

  /** Records `sequence` and returns true when it is above the producer's mark; false for a re-send. */
  accept(producer: string, sequence: number): boolean {
    if (!Number.isSafeInteger(sequence) || sequence < 1) {
      throw new WatermarkError(
        'invalid_sequence',
        producer,
        `sequence from producer ${producer} must be an integer >= 1, got ${sequence}`,
      );
    }
    const mark = this.marks.get(producer) ?? 0;
    if (sequence <= mark) {
      this.rejectedCount += 1;
      return false;
    }
    if (sequence > mark + 1) this.gapCount += 1;
    this.marks.set(producer, sequence);
    return true;
  }

  /** The highest sequence accepted from `producer`; 0 when none was. */
  mark(producer: string): number {
    return this.marks.get(producer) ?? 0;
  }

  /** Accepted sequences that skipped ahead of mark + 1 (not persisted). */
  get gaps(): number {
    return this.gapCount;
  }

  /** Re-sent batches refused (not persisted). */
  get rejected(): number {
    return this.rejectedCount;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.marks);
  }

  static from(record: Readonly<Record<string, number>>): Watermarks {
    const w = new Watermarks();
    for (const [producer, mark] of Object.entries(record)) {
      if (!Number.isSafeInteger(mark) || mark < 0) {
        throw new WatermarkError(
          'invalid_mark',
          producer,
          `mark of producer ${producer} must be an integer >= 0, got ${String(mark)}`,
        );
      }
      if (mark > 0) w.marks.set(producer, mark);
    }
    return w;
  }
}
