/**
 * What the training loop (./loop.ts) needs from a model: the language model (./lm/task.ts) and the
 * encoder–decoder (./seq2seq/task.ts) implement `TrainingTask`. Nothing here knows about SQLite, consoles or UIs.
 */
import type { CheckpointDigest, WritePhase } from '../model/checkpoint/index.js';

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
  /** The schedule's learning rate is multiplied by this (lowered after a divergence; absent: 1). */
  lrScale?: number;
  /** Rollbacks after a divergence so far (../job.ts allows DIVERGENCE_RECOVERY.rollbacks; absent: 0). */
  rollbacks?: number;
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
  /**
   * Loss on a held-out split, on at most `maxTokens` positions when given. Must not change training state. A task
   * that evaluates in batches awaits `betweenBatches()` (../generationFirst.ts) after each: in the app this thread also
   * generates suggestions, which would otherwise wait for the whole split (seconds).
   */
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

export type { SavedCheckpoint } from './jobSpec.js';

/** The abort reason that interrupts (resumable) instead of cancelling. */
export const INTERRUPT = 'longhand:interrupt';
