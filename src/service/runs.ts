/**
 * runs.*: starting a run (./runPlan.ts works out its settings and checks its data first), estimating how long
 * it would take here (./estimate.ts, ./throughput.ts), pausing, resuming, cancelling, listing, inspecting and
 * deleting it. State lives in SQLite; ./training.ts moves it.
 */
import type { ApiHandlers } from '../contract/index.js';
import type { ServiceContext } from './context.js';
import { runEstimate } from './estimate.js';
import { mapErrors, notFound } from './errors.js';
import { toCheckpoint } from './mapping.js';
import { buildSeries } from './metricSeries.js';
import { type PlanDeps, planRun } from './runPlan.js';
import type { ThroughputBook } from './throughput.js';
import type { TrainingScheduler } from './training.js';

type RunHandlers = Pick<
  ApiHandlers,
  'runs.start' | 'runs.estimate' | 'runs.pause' | 'runs.resume' | 'runs.cancel' | 'runs.list' | 'runs.get' | 'runs.metrics' | 'runs.delete'
>;

const SAMPLES_SHOWN = 20;

export interface RunDeps extends Omit<PlanDeps, 'store'> {
  training: TrainingScheduler;
  throughput: ThroughputBook;
  /** The backend training would use now (null while the worker starts). */
  backend(): Promise<string | null>;
}

export function runHandlers(ctx: ServiceContext, deps: RunDeps): RunHandlers {
  const { store } = ctx;
  const { training } = deps;

  return {
    'runs.start': mapErrors(async (input) => {
      const plan = await planRun({ ...deps, store }, input);
      const row = store.runs.create(plan.run);
      training.enqueued(row);
      return training.run(row.id);
    }),
    'runs.estimate': mapErrors(async (input) => {
      const plan = await planRun({ ...deps, store }, input);
      const { kind, config } = plan.run;
      const backend = await deps.backend();
      const speed = backend ? deps.throughput.speed(kind, config, backend, deps.presets.documented(kind, config, backend)) : null;
      return runEstimate(config.budget, plan.size, backend, speed);
    }),
    'runs.pause': mapErrors(({ runId }) => training.pause(runId)),
    'runs.resume': mapErrors(({ runId }) => training.resume(runId)),
    'runs.cancel': mapErrors(({ runId }) => training.cancel(runId)),
    'runs.list': ({ status, kind, limit }) => {
      const rows = store.runs.list({ ...(status ? { status } : {}), ...(kind ? { kind } : {}) });
      return { runs: rows.reverse().slice(0, limit).map((r) => training.toRun(r)) };
    },
    'runs.get': ({ runId }) => {
      const row = store.runs.get(runId);
      if (!row) throw notFound('run', runId);
      return {
        run: training.toRun(row),
        checkpoints: store.checkpoints.listByRun(runId).map((c) => toCheckpoint(c, row)),
        samples: store.samples.latest(runId, SAMPLES_SHOWN).map((s) => ({ step: s.step, text: s.text })),
      };
    },
    'runs.metrics': ({ runId, names, splits, sinceStep, maxPoints }) => {
      if (!store.runs.get(runId)) throw notFound('run', runId);
      const rows = store.metrics.list(runId, sinceStep !== undefined ? { afterStep: sinceStep } : {});
      return { runId, series: buildSeries(rows, { names, splits, maxPoints }) };
    },
    'runs.delete': mapErrors(async ({ runId, deleteCheckpoints }) => {
      await training.remove(runId, deleteCheckpoints);
      return { deleted: true as const };
    }),
  };
}
