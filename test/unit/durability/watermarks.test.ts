import { describe, expect, it } from 'vitest';
import { WatermarkError } from '../../../src/actors/durability/errors.js';
import { Watermarks } from '../../../src/actors/durability/watermarks.js';

describe('Watermarks', () => {
  it('accepts increasing sequences per producer and rejects re-sent ones at or below the mark', () => {
    const w = new Watermarks();
    expect(w.mark('ei-1')).toBe(0);
    expect(w.accept('ei-1', 1)).toBe(true);
    expect(w.accept('ei-1', 2)).toBe(true);
    expect(w.accept('ei-1', 2)).toBe(false);
    expect(w.accept('ei-1', 1)).toBe(false);
    expect(w.accept('ep-7', 1)).toBe(true);
    expect(w.mark('ei-1')).toBe(2);
    expect(w.mark('ep-7')).toBe(1);
    expect(w.rejected).toBe(2);
    expect(w.gaps).toBe(0);
  });

  it('accepts a sequence that skips ahead but counts the gap', () => {
    const w = new Watermarks();
    expect(w.accept('p', 1)).toBe(true);
    expect(w.accept('p', 5)).toBe(true);
    expect(w.gaps).toBe(1);
    expect(w.mark('p')).toBe(5);
    expect(w.accept('p', 4)).toBe(false);
    expect(w.accept('q', 3)).toBe(true);
    expect(w.gaps).toBe(2);
  });

  it('serialises to a plain record and restores the same marks from it', () => {
    const w = new Watermarks();
    w.accept('a', 1);
    w.accept('a', 2);
    w.accept('b', 7);
    expect(w.toJSON()).toEqual({ a: 2, b: 7 });
    const restored = Watermarks.from(JSON.parse(JSON.stringify(w)) as Record<string, number>);
    expect(restored.mark('a')).toBe(2);
    expect(restored.accept('b', 7)).toBe(false);
    expect(restored.accept('b', 8)).toBe(true);
    expect(restored.gaps).toBe(0);
  });

  it('keeps producer ids that are special object keys as ordinary producers', () => {
    const w = Watermarks.from(JSON.parse('{"__proto__": 3}') as Record<string, number>);
    expect(w.mark('__proto__')).toBe(3);
    expect(w.accept('constructor', 1)).toBe(true);
    const json = w.toJSON();
    expect(Object.keys(json).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(json, '__proto__')?.value).toBe(3);
  });

  it('rejects sequences below 1 and invalid stored marks with what was expected', () => {
    const w = new Watermarks();
    expect(() => w.accept('p', 0)).toThrow(WatermarkError);
    expect(() => w.accept('p', 1.5)).toThrow(/integer >= 1, got 1.5/);
    expect(() => Watermarks.from({ p: -1 })).toThrow(/mark of producer p must be an integer >= 0, got -1/);
  });
});
