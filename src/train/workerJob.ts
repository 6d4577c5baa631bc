/**
 * The worker's language-model job (src/worker/jobs.ts, `JobRegistry.trainLanguageModel`): the same loop and
 * task as `trainLanguageModel`, but without SQLite — in the worker the service records runs, metrics and
 * checkpoint rows from the reports. So here:
 *
 * - settings come in the contract's shape (embed, hidden, budget, validationFraction…) and map onto
 *   LmTrainingConfig (validationFraction v → split [1 − v, v, 0]; the rest from DEFAULT_LM_TRAINING);
 * - checkpoints go to `<outputDir>/<step>`; only the best and the last are kept on disk, and each report
 *   names the steps whose directories were just deleted (`prunedSteps`) so the service can drop their rows;
 * - a resume starts from `resumeFrom` when it verifies against its sha256, else from the newest other
 *   checkpoint in `outputDir` that verifies against its own manifest (the best is always there); without
 *   `resumeFrom` the run starts afresh and step directories left in `outputDir` are deleted;
 * - a divergence or bad input rejects with a one-line message (the run fails); early stopping and the budget
 *   resolve (finished); an aborted signal resolves too (cancelled — the worker decides from the signal).
 *
 * The types below are structural copies of src/worker/jobs.ts (the core does not import the worker);
 * test/unit/train/workerJob.test.ts checks that this function fits `JobRegistry.trainLanguageModel`.
 */
import type { MetricPoint } from '../store/index.js';
import { DirectoryCheckpoints } from './directoryCheckpoints.js';
import { DEFAULT_LM_TRAINING, type LmTrainingConfig, resolveLmConfig } from './config.js';
import { corpusSha256 } from './corpus.js';
import { createLanguageModelTask, loadResumePoint } from './lmSetup.js';
import { type LoopOptions, budgetSteps, loopOptionsFor, runTrainingLoop } from './loop.js';
import type { Budget, SavedCheckpoint, TrainingProgress } from './task.js';

/** The contract's LmConfig (src/contract/schemas/runs.ts). */
export interface ContractLmConfig {
  level: 'char' | 'word' | 'bpe';
  vocabSize?: number;
  embed: number;
  hidden: number;
  layers: number;
  cell: 'lstm' | 'gru';
  batch: number;
  lr: number;
  dropout: number;
  budget: Budget;
  validationFraction?: number;
  seed?: number;
  seq: number;
}

export interface WorkerLmSpec {
  runId: number;
  outputDir: string;
  resumeFrom: { dir: string; sha256: string; step: number } | null;
  config: ContractLmConfig;
  documents: { title: string; text: string }[];
}

export interface WorkerProgress {
  step: number;
  totalSteps?: number;
  epoch?: number;
  trainLoss: number;
  valLoss?: number;
  tokensPerSec: number;
  etaSeconds: number | null;
  elapsedSeconds: number;
}

export interface WorkerHooks {
  signal: AbortSignal;
  readonly pauseRequested: boolean;
  waitIfPaused(): Promise<void>;
  onProgress(progress: WorkerProgress): void;
  onMetrics(points: MetricPoint[]): void;
  onCheckpoint(checkpoint: SavedCheckpoint & { prunedSteps: number[] }): void;
  onSample(sample: { step: number; text: string }): void;
}

/** Settings of a worker run: the contract's, over the defaults. */
export function configFromContract(c: ContractLmConfig, extra: Partial<LmTrainingConfig> = {}): LmTrainingConfig {
  const v = c.validationFraction;
  return resolveLmConfig({
    ...extra,
    level: c.level,
    vocabSize: c.vocabSize,
    embed: c.embed,
    hidden: c.hidden,
    layers: c.layers,
    cell: c.cell,
    batch: c.batch,
    seq: c.seq,
    lr: c.lr,
    dropout: c.dropout,
    budget: c.budget,
    seed: c.seed ?? DEFAULT_LM_TRAINING.seed,
    ...(v !== undefined ? { split: [1 - v, v, 0] as const } : {}),
  });
}

export async function runLanguageModelTraining(
  spec: WorkerLmSpec,
  hooks: WorkerHooks,
  options: { config?: Partial<LmTrainingConfig>; loop?: Partial<LoopOptions> } = {},
): Promise<{ step: number }> {
  const config = configFromContract(spec.config, options.config);
  const documents = spec.documents.map((d) => d.text);
  const sha = corpusSha256(documents);
  const checkpoints = new DirectoryCheckpoints(spec.outputDir, loadResumePoint);
  const point = await checkpoints.resumePoint(spec.resumeFrom);
  const task = createLanguageModelTask(config, documents, sha, point);
  try {
    const loopOptions = loopOptionsFor(config, { progressIntervalMs: 100, testAtEnd: true }, options.loop);
    const totalSteps = budgetSteps(config.budget, task.stepsPerEpoch);
    const result = await runTrainingLoop(
      task,
      loopOptions,
      {
        signal: hooks.signal,
        get pauseRequested() {
          return hooks.pauseRequested;
        },
        waitIfPaused: () => hooks.waitIfPaused(),
        onProgress: (p) => hooks.onProgress(toWorkerProgress(p, totalSteps)),
        onMetrics: (points) => hooks.onMetrics(points),
        onSample: (s) => hooks.onSample(s),
        onCheckpoint: (c) => hooks.onCheckpoint({ ...c, prunedSteps: checkpoints.takePruned() }),
      },
      checkpoints,
      point?.train.loop,
    );
    if (result.outcome === 'diverged') throw new Error(result.reason);
    return { step: result.state.step };
  } finally {
    task.dispose();
  }
}

/** The loop's progress as the worker reports it (both kinds of run). */
export function toWorkerProgress(p: TrainingProgress, totalSteps: number | null): WorkerProgress {
  return {
    step: p.step,
    ...(totalSteps !== null ? { totalSteps } : {}),
    epoch: p.epoch,
    trainLoss: p.trainLoss ?? NaN,
    ...(p.valLoss !== null ? { valLoss: p.valLoss } : {}),
    tokensPerSec: p.tokensPerSec ?? 0,
    etaSeconds: p.etaSeconds,
    elapsedSeconds: p.elapsedSeconds,
  };
}
