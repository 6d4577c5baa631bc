import { describe, expect, it } from 'vitest';
import { splitBucket, splitById, splitOf } from '../../../../src/text/pairs/split.js';

describe('split by id', () => {
  it('follows the documented rule: sha256("longhand-split-v1:" + id), first 8 hex digits, mod 100', () => {
    // Buckets checked with Python's hashlib: int(sha256(b"longhand-split-v1:business/001").hexdigest()[:8], 16) % 100.
    expect(splitBucket('business/001')).toBe(84);
    expect(splitBucket('entertainment/001')).toBe(92);
    expect(splitBucket('sport/002')).toBe(90);
    expect(splitOf('business/001')).toBe('validation'); // 80–89
    expect(splitOf('entertainment/001')).toBe('test'); // 90–99
    expect(splitOf('business/002')).toBe('train'); // 44
  });

  it('is deterministic, disjoint and complete, and independent of order and neighbours', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `doc/${i}`);
    const a = splitById(ids, (id) => id);
    const b = splitById([...ids].reverse(), (id) => id);
    const all = [...a.train, ...a.validation, ...a.test];
    expect(new Set(all).size).toBe(ids.length);
    expect(all.sort()).toEqual([...ids].sort());
    expect(new Set(b.test)).toEqual(new Set(a.test));
    expect(splitById(ids.slice(0, 10), (id) => id).test).toEqual(a.test.filter((id) => ids.slice(0, 10).includes(id)));
    // Roughly 80/10/10 on 500 ids.
    expect(a.train.length).toBeGreaterThan(360);
    expect(a.validation.length).toBeGreaterThan(30);
    expect(a.test.length).toBeGreaterThan(30);
  });

  it('honours other fractions and salts, and refuses bad input', () => {
    const ids = Array.from({ length: 200 }, (_, i) => String(i));
    expect(splitById(ids, (id) => id, { train: 1, validation: 0, test: 0 }).train).toHaveLength(200);
    const salted = splitById(ids, (id) => id, undefined, 'other-salt');
    expect(salted.test).not.toEqual(splitById(ids, (id) => id).test);
    expect(() => splitOf('x', { train: 0.5, validation: 0.1, test: 0.1 })).toThrow(/add up to 1/);
    expect(() => splitById(['a', 'a'], (id) => id)).toThrow(/Duplicate id "a"/);
  });
});
