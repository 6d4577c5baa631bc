/** Metric points of training runs (loss, perplexity… per step and split), written in batches. */
import type { RepoContext } from './context.js';
import type { MetricPoint, MetricRow, MetricSplit } from './types.js';

interface MetricDbRow {
  run_id: number;
  step: number;
  split: MetricSplit;
  name: string;
  value: number | null;
  time: number;
}

const toMetric = (r: MetricDbRow): MetricRow => ({
  runId: r.run_id,
  step: r.step,
  split: r.split,
  name: r.name,
  value: r.value ?? Number.NaN,
  time: r.time,
});

export interface MetricFilter {
  name?: string;
  split?: MetricSplit;
  /** Only points with step > afterStep (for incremental chart updates). */
  afterStep?: number;
}

export interface MetricsRepo {
  /** Inserts all points in one transaction: all or none. */
  add(runId: number, points: readonly MetricPoint[]): number;
  /** Points of a run, by name then step. */
  list(runId: number, filter?: MetricFilter): MetricRow[];
  /** Drops points after `step`: a run resumed from a checkpoint at `step` recomputes them. */
  deleteAfter(runId: number, step: number): number;
}

export function metricsRepo(ctx: RepoContext): MetricsRepo {
  const { db } = ctx;
  const insert = db.prepare<[number, number, string, string, number | null, number]>(
    'INSERT INTO metrics (run_id, step, split, name, value, time) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const select = db.prepare<Record<string, unknown>, MetricDbRow>(
    `SELECT run_id, step, split, name, value, time FROM metrics
     WHERE run_id = @runId AND (@name IS NULL OR name = @name) AND (@split IS NULL OR split = @split)
       AND step > @afterStep
     ORDER BY name, step, split`,
  );
  const delAfter = db.prepare<[number, number]>('DELETE FROM metrics WHERE run_id = ? AND step > ?');

  const addAll = db.transaction((runId: number, points: readonly MetricPoint[], now: number) => {
    for (const p of points) {
      insert.run(runId, p.step, p.split, p.name, Number.isNaN(p.value) ? null : p.value, p.time ?? now);
    }
    return points.length;
  });

  return {
    add: (runId, points) => addAll.immediate(runId, points, ctx.now().getTime()),
    list: (runId, filter = {}) =>
      select
        .all({ runId, name: filter.name ?? null, split: filter.split ?? null, afterStep: filter.afterStep ?? Number.MIN_SAFE_INTEGER })
        .map(toMetric),
    deleteAfter: (runId, step) => delAfter.run(runId, step).changes,
  };
}
