import { describe, expect, it } from 'vitest';
import { buildSeries, downsampleIndices } from '../../../src/service/metricSeries.js';
import type { MetricRow } from '../../../src/store/index.js';

describe('downsampleIndices', () => {
  it.each([
    [5, 10, [0, 1, 2, 3, 4]],
    [10, 3, [0, 5, 9]],
    [100, 2, [0, 99]],
    [7, 1, [6]],
  ])('n=%i max=%i', (n, max, want) => {
    expect(downsampleIndices(n, max)).toEqual(want);
  });

  it('keeps first and last and at most max points', () => {
    const out = downsampleIndices(100_000, 5000);
    expect(out.length).toBeLessThanOrEqual(5000);
    expect(out[0]).toBe(0);
    expect(out.at(-1)).toBe(99_999);
  });
});

describe('buildSeries', () => {
  const row = (step: number, split: MetricRow['split'], name: string, value: number): MetricRow => ({ runId: 1, step, split, name, value, time: 0 });
  const rows = [row(1, 'train', 'loss', 2), row(1, 'validation', 'loss', 2.5), row(2, 'train', 'loss', Number.NaN), row(1, 'train', 'ppl', 7)];

  it('groups by name and split, NaN as null', () => {
    expect(buildSeries(rows, { maxPoints: 100 })).toEqual([
      { name: 'loss', split: 'train', steps: [1, 2], values: [2, null] },
      { name: 'loss', split: 'validation', steps: [1], values: [2.5] },
      { name: 'ppl', split: 'train', steps: [1], values: [7] },
    ]);
  });

  it('filters by names and splits', () => {
    expect(buildSeries(rows, { names: ['loss'], splits: ['validation'], maxPoints: 100 })).toEqual([
      { name: 'loss', split: 'validation', steps: [1], values: [2.5] },
    ]);
  });
});
