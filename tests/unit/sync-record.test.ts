// What "changed" means in a membership diff: the hash of the mapped record's canonical JSON.
import { describe, expect, it } from 'vitest';
import { exactInteger } from '../../src/main/engine/exact.js';
import { canonicalJson, memberHash, memberJson } from '../../src/main/engine/sync-record.js';

describe('member hash', () => {
  it('does not change with field order, at any depth', () => {
    expect(memberHash({ id: 'a', email: 'e', nested: { x: 1, y: [{ b: 2, a: 1 }] } })).toEqual(memberHash({ nested: { y: [{ a: 1, b: 2 }], x: 1 }, email: 'e', id: 'a' }));
  });
  it('changes with any value, and with array order', () => {
    const base = memberHash({ id: 'a', tags: ['x', 'y'] });
    expect(memberHash({ id: 'a', tags: ['y', 'x'] })).not.toEqual(base);
    expect(memberHash({ id: 'a', tags: ['x', 'y'], extra: null })).not.toEqual(base);
    expect(memberHash({ id: 'a', tags: ['x', 'Y'] })).not.toEqual(base);
  });
  it('keeps exact integers as written, and stores the record in its own field order', () => {
    const big = { id: exactInteger('12345678901234567890'), b: 1, a: 2 };
    expect(canonicalJson(big)).toBe('{"a":2,"b":1,"id":12345678901234567890}');
    expect(memberJson(big)).toBe('{"id":12345678901234567890,"b":1,"a":2}');
    expect(memberHash(big)).not.toEqual(memberHash({ id: exactInteger('12345678901234567891'), b: 1, a: 2 }));
    expect(memberHash(big)).toHaveLength(16);
  });
});
