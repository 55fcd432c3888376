import { describe, expect, it } from 'vitest';
import { MapStoreError } from '../../../src/cluster/map-store/errors.js';
import { mapKeys } from '../../../src/cluster/map-store/keys.js';

describe('mapKeys', () => {
  it('ensures every key is prefixed by narflow: and the map id in a {…} hash tag', () => {
    const k = mapKeys('prod-1');
    expect([k.map, k.version, k.events, k.backups('oe-3')]).toEqual([
      'narflow:{prod-1}:map',
      'narflow:{prod-1}:version',
      'narflow:{prod-1}:events',
      'narflow:{prod-1}:backups:oe-3',
    ]);
    expect(k.pattern).toBe('narflow:{prod-1}:*');
  });

  it.each(['', 'a}b', 'a{b', 'a*b', 'a b', 'x'.repeat(129)])(
    'ensures the map id %j, which could break the hash tag or a SCAN pattern, is refused',
    (id) => {
      let caught: unknown = null;
      try {
        mapKeys(id);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(MapStoreError);
      expect((caught as MapStoreError).code).toBe('invalid_map_id');
      expect((caught as MapStoreError).message).toContain('expected 1–128 characters');
    },
  );
});
