/**
 * The interface between the worker and the code that trains and generates. The worker (./runtime.ts) owns the
 * message channel, pause/cancel, progress throttling and the model cache; a job only computes and reports
 * through its hooks. Every implementation lives behind a `JobRegistry`, so tests replace it with fake jobs and
 * the real ones (src/train, src/generate, seq2seq) plug in without touching the worker.
 *
 * Rules for a training job:
 * - call `await hooks.waitIfPaused()` between optimiser steps: it yields to the worker's event loop (so pause,
 *   cancel and generation requests are handled while training) and blocks while the run is paused;
 * - when `hooks.pauseRequested` becomes true, save a checkpoint first (the run is "paused after its current step,
 *   checkpointed"), then call waitIfPaused();
 * - stop when `hooks.signal` is aborted (throwing or returning both count as cancelled);
 * - write checkpoints to `checkpointDir(spec.outputDir, step)` through src/model/checkpoint (atomic writes)
 *   and report each with `hooks.onCheckpoint` after it is in place;
 * - resume from `spec.resumeFrom` when it is given (its optimizer and trainer state are in the checkpoint).
 */
import path from 'node:path';
import type { LmConfig, PairsSource, Seq2seqConfig, Split } from '../contract/index.js';

/** A text to train on, as stored in a corpus. */
export interface TrainingDocument {
  title: string;
  text: string;
}

export interface CheckpointRef {
  /** Absolute path of the checkpoint directory. */
  dir: string;
  /** The checkpoint sha256 recorded when it was saved (verify against it when loading). */
  sha256: string;
  step: number;
}

interface SpecBase {
  runId: number;
  /** The run's name (for logs and sample headers). */
  name: string;
  /** Where this run's checkpoints go: `<data>/models/<runId>`; write each into `checkpointDir(outputDir, step)`. */
  outputDir: string;
  /** Continue from this checkpoint (a resumed run); null starts from scratch. */
  resumeFrom: CheckpointRef | null;
  /** The compute backend the worker chose (e.g. "wasm"). */
  backend: string | null;
}

export interface LmTrainingSpec extends SpecBase {
  kind: 'lm';
  config: LmConfig;
  documents: TrainingDocument[];
}

/** Pairs come from a TSV/JSONL file (`src/text/pairs` reads it) or are mined from a corpus's documents. */
export type Seq2seqData =
  | { kind: 'file'; path: string }
  | { kind: 'mined'; corpusId: number; documents: TrainingDocument[] };

export interface Seq2seqTrainingSpec extends SpecBase {
  kind: 'seq2seq';
  config: Seq2seqConfig;
  data: Seq2seqData;
}

export type TrainingSpec = LmTrainingSpec | Seq2seqTrainingSpec;

/** What a job reports as it trains (the worker throttles it to about ten a second, keeping the last). */
export interface TrainingProgress {
  step: number;
  totalSteps?: number;
  epoch?: number;
  /** NaN when the run diverged (sent as null). */
  trainLoss: number;
  valLoss?: number;
  tokensPerSec: number;
  /** Null while too early to tell. */
  etaSeconds: number | null;
  elapsedSeconds: number;
}

export interface TrainingMetric {
  step: number;
  split: Split;
  /** e.g. "loss" (mean cross-entropy per token, nats), "perplexity", "rouge_l". */
  name: string;
  value: number;
}

export interface SavedCheckpoint {
  step: number;
  /** The directory written, inside `spec.outputDir`. */
  dir: string;
  /** From the checkpoint writer's CheckpointDigest. */
  sha256: string;
  bytes: number;
  /** Metric values at this step, e.g. `{ "validation.loss": 1.42 }`. */
  metrics: Record<string, number>;
  /** The best so far by validation loss. */
  isBest: boolean;
  /**
   * Steps of this run whose checkpoint directories the job has just deleted (a trainer that keeps only the best
   * and the last); the service drops their rows.
   */
  prunedSteps?: number[];
}

export interface TrainingHooks {
  /** Aborted when the run is cancelled (or the worker shuts down). */
  signal: AbortSignal;
  /** True from a pause request until the run resumes: checkpoint, then call waitIfPaused(). */
  readonly pauseRequested: boolean;
  /** Yields to the event loop; while paused, resolves on resume (rejects with an AbortError on cancel). */
  waitIfPaused(): Promise<void>;
  onProgress(progress: TrainingProgress): void;
  onMetrics(points: TrainingMetric[]): void;
  onCheckpoint(checkpoint: SavedCheckpoint): void;
  onSample(sample: { step: number; text: string }): void;
}

export interface TrainingResult {
  /** The last step trained. */
  step: number;
}

/** A model loaded for generation; the worker keeps a few (LRU) and disposes of them when evicted. */
export interface LoadedModel {
  readonly kind: 'lm' | 'seq2seq';
  /** Frees its tensors. */
  dispose(): void;
}

export interface GenerationContext {
  signal: AbortSignal;
  /** Streams a piece of generated text to the caller (generation.token). */
  onToken(text: string): void;
}

export interface CompleteRequest {
  text: string;
  n: number;
  maxTokens: number;
  /** 0 is greedy; undefined means the model's default. */
  temperature?: number;
}
export interface CompleteResult {
  /** Best first; score = mean log-probability per token. */
  alternatives: { text: string; score: number }[];
}

export interface SummarizeRequest {
  text: string;
  beam: number;
  lengthPenalty: number;
  minLength: number;
  maxLength: number;
}
export interface SummarizeResult {
  summary: string;
  sourceTokens: string[];
  summaryTokens: string[];
  /** attention[i][j]: weight of source token j for summary token i. */
  attention: number[][];
  score: number;
  truncated: boolean;
}

export interface ReplyRequest {
  history: { role: 'user' | 'model'; text: string }[];
  message: string;
  temperature: number;
  maxTokens: number;
}
export interface ReplyResult {
  reply: string;
  score: number;
}

/** What a checkpoint folder holds, for importing it (the worker loads it to be sure it runs). */
export interface CheckpointInfo {
  kind: 'lm' | 'seq2seq';
  task: 'summarize' | 'dialogue' | null;
  step: number;
  metrics: Record<string, number>;
  /** Model sizes as far as the files say (contract names: embed, hidden, layers, cell, level, vocabSize…). */
  config: Record<string, unknown>;
  /** The files that make up the checkpoint (relative names, flat), to copy on import. */
  files: string[];
}

export interface JobRegistry {
  trainLanguageModel(spec: LmTrainingSpec, hooks: TrainingHooks): Promise<TrainingResult>;
  trainSeq2seq(spec: Seq2seqTrainingSpec, hooks: TrainingHooks): Promise<TrainingResult>;
  /** Loads a checkpoint for generation (verify it against `checkpoint.sha256`). */
  loadModel(checkpoint: CheckpointRef, signal: AbortSignal): Promise<LoadedModel>;
  complete(model: LoadedModel, request: CompleteRequest, context: GenerationContext): Promise<CompleteResult>;
  summarize(model: LoadedModel, request: SummarizeRequest, context: GenerationContext): Promise<SummarizeResult>;
  reply(model: LoadedModel, request: ReplyRequest, context: GenerationContext): Promise<ReplyResult>;
  /** Verifies and loads a checkpoint folder (a Longhand checkpoint or a TF.js Layers model) to import it. */
  inspectCheckpoint(dir: string, signal: AbortSignal): Promise<CheckpointInfo>;
}

/** A module that replaces some jobs (tests): `export const jobs: Partial<JobRegistry>`. */
export interface JobsModule {
  jobs: Partial<JobRegistry>;
}

/** Where a training job writes the checkpoint of `step`. */
export function checkpointDir(outputDir: string, step: number): string {
  return path.join(outputDir, String(step));
}

export type { PairsSource };
