/** Metric rows → the contract's series: one per name and split, NaN as null, downsampled keeping first and last. */
import type { MetricSeries, Split } from '../contract/index.js';
import type { MetricRow } from '../store/index.js';

export interface SeriesOptions {
  names?: readonly string[];
  splits?: readonly Split[];
  maxPoints: number;
}

/** Indices of at most `max` points spread evenly over `n`, always including the first and the last. */
export function downsampleIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  if (max <= 1) return [n - 1];
  const out: number[] = [];
  for (let k = 0; k < max; k++) {
    const i = Math.round((k * (n - 1)) / (max - 1));
    if (out[out.length - 1] !== i) out.push(i);
  }
  return out;
}

export function buildSeries(rows: readonly MetricRow[], options: SeriesOptions): MetricSeries[] {
  const groups = new Map<string, { name: string; split: Split; steps: number[]; values: (number | null)[] }>();
  for (const row of rows) {
    if (options.names && !options.names.includes(row.name)) continue;
    if (options.splits && !options.splits.includes(row.split)) continue;
    const key = `${row.name}\n${row.split}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { name: row.name, split: row.split, steps: [], values: [] }));
    group.steps.push(row.step);
    group.values.push(Number.isFinite(row.value) ? row.value : null);
  }
  return [...groups.values()].map((g) => {
    const keep = downsampleIndices(g.steps.length, options.maxPoints);
    return { name: g.name, split: g.split, steps: keep.map((i) => g.steps[i]!), values: keep.map((i) => g.values[i]!) };
  });
}
