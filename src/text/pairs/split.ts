/**
 * Deterministic train/validation/test assignment by id. An id's split depends only on the id (and the
 * salt), never on file order or on which other records exist, so adding records never moves old ones.
 *
 * Rule: bucket = (first 8 hex digits of sha256(salt + ":" + id), as an integer) mod 100;
 * bucket < 100·train → train, < 100·(train + validation) → validation, else test.
 * With the default 80/10/10 that is buckets 0–79 train, 80–89 validation, 90–99 test.
 */
import { createHash } from 'node:crypto';

export type SplitName = 'train' | 'validation' | 'test';

export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
}

export const DEFAULT_FRACTIONS: SplitFractions = { train: 0.8, validation: 0.1, test: 0.1 };
export const DEFAULT_SALT = 'longhand-split-v1';

export function splitBucket(id: string, salt = DEFAULT_SALT): number {
  const hex = createHash('sha256').update(`${salt}:${id}`, 'utf8').digest('hex').slice(0, 8);
  return parseInt(hex, 16) % 100;
}

export function splitOf(id: string, fractions: SplitFractions = DEFAULT_FRACTIONS, salt = DEFAULT_SALT): SplitName {
  const sum = fractions.train + fractions.validation + fractions.test;
  if (Math.abs(sum - 1) > 1e-9) throw new Error(`Split fractions must add up to 1, got ${sum}`);
  const bucket = splitBucket(id, salt);
  if (bucket < Math.round(100 * fractions.train)) return 'train';
  if (bucket < Math.round(100 * (fractions.train + fractions.validation))) return 'validation';
  return 'test';
}

export interface Splits<T> {
  train: T[];
  validation: T[];
  test: T[];
}

/** Partition items by `idOf(item)`; input order is kept within each split. Duplicate ids are an error. */
export function splitById<T>(items: readonly T[], idOf: (item: T) => string, fractions = DEFAULT_FRACTIONS, salt = DEFAULT_SALT): Splits<T> {
  const out: Splits<T> = { train: [], validation: [], test: [] };
  const seen = new Set<string>();
  for (const item of items) {
    const id = idOf(item);
    if (seen.has(id)) throw new Error(`Duplicate id ${JSON.stringify(id)}: ids must be unique to split by id`);
    seen.add(id);
    out[splitOf(id, fractions, salt)].push(item);
  }
  return out;
}
