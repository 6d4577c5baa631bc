/**
 * One training run inside the worker: builds the hooks a job trains with (pause, cancel, throttled progress,
 * metrics, checkpoints, samples), runs the job from the registry and always ends with one `trainDone` message —
 * finished, cancelled (the signal was aborted, whatever the job then did) or failed with a one-line reason.
 */
import { toErrorShape } from '../contract/errors.js';
import type { JobRegistry, TrainingHooks, TrainingMetric, TrainingProgress, TrainingSpec } from './jobs.js';
import { ProgressOutbox } from './outbox.js';
import { finiteOrNull, type ProgressPayload, type WorkerMessage } from './protocol.js';

export interface TrainingSession {
  readonly runId: number;
  pause(): void;
  resume(): void;
  stop(): void;
  /** Settles after trainDone was posted. */
  readonly done: Promise<void>;
}

type MetricPayload = Extract<WorkerMessage, { type: 'metrics' }>['points'][number];

function abortError(): Error {
  const error = new Error('The run was cancelled.');
  error.name = 'AbortError';
  return error;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function toPayload(p: TrainingProgress): ProgressPayload {
  const nonNegative = (v: number) => (Number.isFinite(v) && v > 0 ? v : 0);
  return {
    step: Math.max(0, Math.floor(p.step)),
    ...(p.totalSteps !== undefined ? { totalSteps: Math.max(0, Math.floor(p.totalSteps)) } : {}),
    ...(p.epoch !== undefined ? { epoch: nonNegative(p.epoch) } : {}),
    trainLoss: finiteOrNull(p.trainLoss),
    ...(p.valLoss !== undefined ? { valLoss: finiteOrNull(p.valLoss) } : {}),
    tokensPerSec: nonNegative(p.tokensPerSec),
    etaSeconds: p.etaSeconds === null || !Number.isFinite(p.etaSeconds) ? null : Math.max(0, p.etaSeconds),
    elapsedSeconds: nonNegative(p.elapsedSeconds),
  };
}

export function startTrainingSession(
  spec: TrainingSpec,
  jobs: JobRegistry,
  post: (message: WorkerMessage) => void,
  options: { progressIntervalMs?: number } = {},
): TrainingSession {
  const { runId } = spec;
  const controller = new AbortController();
  let paused = false;
  let waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const outbox = new ProgressOutbox<ProgressPayload, MetricPayload>({
    sendProgress: (progress) => post({ type: 'progress', runId, progress }),
    sendMetrics: (points) => post({ type: 'metrics', runId, points }),
    intervalMs: options.progressIntervalMs,
  });

  const hooks: TrainingHooks = {
    signal: controller.signal,
    get pauseRequested() {
      return paused;
    },
    async waitIfPaused() {
      if (controller.signal.aborted) throw abortError();
      if (!paused) return yieldToEventLoop();
      outbox.flush();
      await new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
    },
    onProgress: (progress) => outbox.progress(toPayload(progress)),
    onMetrics: (points: TrainingMetric[]) =>
      outbox.metrics(points.map((p) => ({ step: Math.max(0, Math.floor(p.step)), split: p.split, name: p.name, value: finiteOrNull(p.value) }))),
    onCheckpoint: (c) => {
      outbox.flush();
      const metrics = Object.fromEntries(Object.entries(c.metrics).map(([k, v]) => [k, finiteOrNull(v)]));
      const pruned = c.prunedSteps?.filter((s) => Number.isInteger(s) && s >= 0 && s !== c.step) ?? [];
      post({
        type: 'checkpoint',
        runId,
        step: c.step,
        dir: c.dir,
        sha256: c.sha256,
        bytes: c.bytes,
        metrics,
        isBest: c.isBest,
        ...(pruned.length ? { prunedSteps: pruned } : {}),
      });
    },
    onSample: (sample) => {
      outbox.flush();
      post({ type: 'sample', runId, step: Math.max(0, Math.floor(sample.step)), text: sample.text });
    },
  };

  const run = (): Promise<unknown> =>
    spec.kind === 'lm' ? jobs.trainLanguageModel(spec, hooks) : jobs.trainSeq2seq(spec, hooks);

  const done = Promise.resolve()
    .then(run)
    .then(
      (): WorkerMessage => ({ type: 'trainDone', runId, outcome: controller.signal.aborted ? 'cancelled' : 'finished' }),
      (error: unknown): WorkerMessage =>
        controller.signal.aborted
          ? { type: 'trainDone', runId, outcome: 'cancelled' }
          : { type: 'trainDone', runId, outcome: 'failed', error: toErrorShape(error).message },
    )
    .then((message) => {
      outbox.flush();
      outbox.dispose();
      post(message);
    });

  const release = (fn: (w: (typeof waiters)[number]) => void) => {
    const all = waiters;
    waiters = [];
    for (const w of all) fn(w);
  };

  return {
    runId,
    done,
    pause: () => void (paused = true),
    resume: () => {
      paused = false;
      release((w) => w.resolve());
    },
    stop: () => {
      controller.abort();
      release((w) => w.reject(abortError()));
    },
  };
}
