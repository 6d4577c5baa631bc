import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type MetricPoint, type Store } from '../../../src/store/index.js';
import { useTempDir } from './tempDir.js';

describe('metrics', () => {
  const dir = useTempDir();
  let store: Store;
  let runId: number;
  beforeEach(() => {
    store = openDatabase(path.join(dir(), 'db.sqlite'), { now: () => new Date(1_700_000_000_000) });
    runId = store.runs.create({ kind: 'lm', name: 'r' }).id;
  });
  afterEach(() => store.close());

  it('inserts a large batch in one transaction and reads it back by name and step', () => {
    const points: MetricPoint[] = [];
    for (let step = 1; step <= 2000; step++) {
      points.push({ step, split: 'train', name: 'loss', value: 1 / step, time: 1000 + step });
      if (step % 100 === 0) points.push({ step, split: 'validation', name: 'loss', value: 2 / step });
    }
    expect(store.metrics.add(runId, points)).toBe(2020);
    const train = store.metrics.list(runId, { name: 'loss', split: 'train' });
    expect(train).toHaveLength(2000);
    expect(train[0]).toEqual({ runId, step: 1, split: 'train', name: 'loss', value: 1, time: 1001 });
    const validation = store.metrics.list(runId, { split: 'validation' });
    expect(validation).toHaveLength(20);
    expect(validation[0]?.time).toBe(1_700_000_000_000); // defaults to now
    expect(store.metrics.list(runId, { split: 'validation', afterStep: 1900 }).map((m) => m.step)).toEqual([2000]);
  });

  it('is all or nothing: a bad point rolls back the batch', () => {
    const points = [
      { step: 1, split: 'train', name: 'loss', value: 1 },
      { step: 2, split: 'nonsense', name: 'loss', value: 1 },
    ] as MetricPoint[];
    expect(() => store.metrics.add(runId, points)).toThrow(/CHECK/);
    expect(store.metrics.list(runId)).toEqual([]);
  });

  it('keeps NaN and infinities', () => {
    store.metrics.add(runId, [
      { step: 1, split: 'train', name: 'loss', value: Number.NaN },
      { step: 2, split: 'train', name: 'loss', value: Number.POSITIVE_INFINITY },
    ]);
    const values = store.metrics.list(runId).map((m) => m.value);
    expect(Number.isNaN(values[0])).toBe(true);
    expect(values[1]).toBe(Number.POSITIVE_INFINITY);
  });

  it('deletes points after a step (for resuming from a checkpoint)', () => {
    store.metrics.add(runId, [1, 2, 3, 4].map((step) => ({ step, split: 'train' as const, name: 'loss', value: step })));
    expect(store.metrics.deleteAfter(runId, 2)).toBe(2);
    expect(store.metrics.list(runId).map((m) => m.step)).toEqual([1, 2]);
  });

  it('refuses points for a run that does not exist', () => {
    expect(() => store.metrics.add(999, [{ step: 1, split: 'train', name: 'loss', value: 1 }])).toThrow(/FOREIGN KEY/);
  });
});
