/**
 * What the training loop (./loop.ts) needs from a model, and what it tells its caller. A language model
 * (./lmTask.ts) and the seq2seq trainer implement `TrainingTask`; the worker passes `TrainingHooks`.
 * Nothing here knows about SQLite, consoles or UIs.
 */
import type { CheckpointDigest, WritePhase } from '../model/checkpoint/index.js';
import type { MetricPoint, RunStatus } from '../store/index.js';

export type EvalSplit = 'validation' | 'test';

export interface TrainStepResult {
  /** Mean loss of the batch before the update (NaN/±Infinity when the step went bad). */
  loss: number;
  /** Tokens (target positions) the step trained on: throughput and epochs count these. */
  tokens: number;
  /** Global L2 norm of the gradients before clipping. */
  gradNorm: number;
  /** False when the update was skipped (non-finite loss or gradients). */
  applied: boolean;
}

export interface EvaluationResult {
  /** Mean loss per token over the evaluated positions (nats). */
  loss: number;
  tokens: number;
  /** Further figures (perplexity, bits per character…), by metric name. */
  metrics: Record<string, number>;
}

/** The loop's own resumable state, saved inside every checkpoint by `TrainingTask.save`. Plain JSON. */
export interface LoopState {
  version: 1;
  /** Optimiser steps done. */
  step: number;
  /** Tokens trained on. */
  tokens: number;
  /** Active training time so far (pauses excluded), across sessions. */
  elapsedMs: number;
  /** Exponential moving average of the train loss (null before the first step). */
  smoothedLoss: number | null;
  /** Lowest `smoothedLoss` so far: the divergence guard's reference. */
  bestSmoothedLoss: number | null;
  bestValLoss: number | null;
  bestValStep: number | null;
  lastValLoss: number | null;
  /** Step of `lastValLoss`. */
  lastValStep: number | null;
  /** Evaluations in a row without improvement (early stopping). */
  badEvaluations: number;
  /** Budget fraction at which warm-up ended (the decay runs over the rest); null while warming up. */
  warmupEndProgress: number | null;
  /** Sums since the last train-loss metric point (LoopOptions.logEvery). */
  window: { loss: number; gradNorm: number; count: number };
}

export interface TaskCheckpoint {
  step: number;
  metrics: Record<string, number>;
  loopState: LoopState;
}

export interface TrainingTask {
  /** Optimiser steps in one epoch (train tokens / tokens per step). */
  readonly stepsPerEpoch: number;
  /** Whether a split has anything to evaluate (a 90/10/0 split has no test data). */
  hasSplit(split: EvalSplit): boolean;
  /** One optimiser step at learning rate `lr` (the task owns the optimiser's other hyper-parameters). */
  trainStep(lr: number): TrainStepResult | Promise<TrainStepResult>;
  /** Loss on a held-out split, on at most `maxTokens` positions when given. Must not change training state. */
  evaluate(split: EvalSplit, options?: { maxTokens?: number }): EvaluationResult | Promise<EvaluationResult>;
  /** A short text from the model (seeded by `step`, so it never disturbs training's random streams). */
  sample(options: { step: number }): string | Promise<string>;
  /**
   * Writes a complete, resumable checkpoint into `dir` atomically (weights, optimiser state, data and random
   * state, `checkpoint.loopState`) and returns its digest.
   */
  save(dir: string, checkpoint: TaskCheckpoint, options?: { onPhase?: (event: WritePhase) => void | Promise<void> }): Promise<CheckpointDigest>;
  /** Frees the model and optimiser. */
  dispose(): void;
}

/** How long to train: optimiser steps, epochs (see TrainingTask.stepsPerEpoch) or wall-clock minutes of training. */
export type Budget = { steps: number } | { epochs: number } | { minutes: number };

export interface TrainingProgress {
  step: number;
  /** Known for step and epoch budgets; null for a wall-clock budget. */
  totalSteps: number | null;
  /** Epochs done (fractional). */
  epoch: number;
  /** Smoothed train loss (EMA), null before the first step. */
  trainLoss: number | null;
  /** The latest validation loss, null before the first evaluation. */
  valLoss: number | null;
  bestValLoss: number | null;
  /** The learning rate of the last step. */
  lr: number;
  /** Training throughput over the last few seconds (evaluation and checkpoint time excluded). */
  tokensPerSec: number | null;
  /** From the budget and the throughput so far (evaluations included); null while too early to tell. */
  etaSeconds: number | null;
  elapsedSeconds: number;
  /** Present when this event carries a freshly generated sample. */
  sample?: string;
  /** True when this event reports a validation loss computed at this step. */
  evaluated?: boolean;
  /** True on the last event of a session (always delivered). */
  final?: boolean;
}

/** A checkpoint as recorded for the run. */
export interface SavedCheckpoint {
  /** The store's row id (absent when checkpoints are not recorded in a store). */
  id?: number;
  step: number;
  /** Absolute directory. */
  dir: string;
  sha256: string;
  bytes: number;
  metrics: Record<string, number>;
  isBest: boolean;
  isLast: boolean;
}

/**
 * Callbacks of a training run, for the worker (which turns them into contract events) and the CLI. All
 * optional; none may throw (an exception from a hook fails the run).
 */
export interface TrainingHooks {
  /** Abort to stop between steps. `signal.reason === INTERRUPT` saves a checkpoint and leaves the run
   * `interrupted` (resumable, e.g. the app is quitting); any other reason cancels (`cancelled`, no new checkpoint). */
  signal?: AbortSignal;
  /** True while a pause is wanted: the loop saves a checkpoint, reports `paused`, and awaits waitIfPaused(). */
  readonly pauseRequested?: boolean;
  /** Awaited between steps when it returns a promise (it may just yield to the event loop); while paused it
   * settles on resume, and it may reject once `signal` is aborted. Paused time does not count against a
   * minutes budget. */
  waitIfPaused?: () => void | Promise<void>;
  /** Throttled (see LoopOptions.progressIntervalMs), except events with a validation loss or sample and the final one. */
  onProgress?: (progress: TrainingProgress) => void;
  /** Metric points in batches, in the order they were measured (already stored when a store is used). */
  onMetrics?: (points: MetricPoint[]) => void;
  onCheckpoint?: (checkpoint: SavedCheckpoint) => void;
  onSample?: (sample: { step: number; text: string }) => void;
  /** Every status change, after the run's row was updated. */
  onStatus?: (status: { status: RunStatus; error?: string }) => void;
  /** Each phase of each checkpoint write (diagnostics; tests use it to kill a writer mid-write). */
  onCheckpointWrite?: (event: WritePhase & { step: number }) => void | Promise<void>;
}

/** The abort reason that interrupts (resumable) instead of cancelling. */
export const INTERRUPT = 'longhand:interrupt';
