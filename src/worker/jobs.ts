/**
 * The implementations behind the worker table (./table.ts). The worker's runtime (./runtime.ts) owns the
 * channel, validation, cancellation, pause control and the cache of loaded models; a job only computes and
 * reports. The built-in jobs (./registry.ts) are the real ones — training through src/train/job.ts, generation
 * through src/generate — and tests replace some of them (`init.jobsModule`) without touching the worker.
 *
 * A training job receives the hooks of src/train/job.ts: it calls `await waitIfPaused()` between optimiser
 * steps (which yields to the worker's event loop, so controls, cancels and generation requests are handled
 * while it trains, and blocks while paused), checkpoints before pausing when `pauseRequested` turns true, stops
 * when `signal` is aborted (an `INTERRUPT` reason: with a checkpoint), and reports through `onEvent`.
 */
import type { JobHooks } from '../train/job.js';
import type { CheckpointRef, WorkerEvent, WorkerOutput, WorkerParsedInput } from './table.js';

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

export type TrainHooks = Required<Pick<JobHooks, 'signal'>> & {
  readonly pauseRequested: boolean;
  waitIfPaused(): Promise<void>;
  onEvent(event: WorkerEvent<'train'>): void;
};

type Request<M extends 'prepare' | 'complete' | 'summarize' | 'reply'> = WorkerParsedInput<M>['request'];

export interface JobRegistry {
  train(spec: WorkerParsedInput<'train'>, hooks: TrainHooks): Promise<WorkerOutput<'train'>>;
  /** Loads a checkpoint for generation (verified against `checkpoint.sha256`). */
  loadModel(checkpoint: CheckpointRef, signal: AbortSignal): Promise<LoadedModel>;
  /** Brings the model's context up to the writer's text (a language model's typing session). */
  prepare(model: LoadedModel, request: Request<'prepare'>): Promise<WorkerOutput<'prepare'>>;
  complete(model: LoadedModel, request: Request<'complete'>, context: GenerationContext): Promise<WorkerOutput<'complete'>>;
  summarize(model: LoadedModel, request: Request<'summarize'>, context: GenerationContext): Promise<WorkerOutput<'summarize'>>;
  reply(model: LoadedModel, request: Request<'reply'>, context: GenerationContext): Promise<WorkerOutput<'reply'>>;
  /** Verifies and loads a checkpoint folder (a Longhand checkpoint or a TF.js Layers model) to import it. */
  inspectCheckpoint(dir: string, signal: AbortSignal): Promise<WorkerOutput<'inspect'>>;
}

/** A module that replaces some jobs (tests): `export const jobs: Partial<JobRegistry>`. */
export interface JobsModule {
  jobs: Partial<JobRegistry>;
}
