/**
 * The worker's methods, declared once for both ends, as src/contract/api.ts is for the renderer: each method's
 * input, its result, and the events it sends while it runs. The host's `call<M>` is typed from this table and
 * validates results and events with it; the worker's runtime validates inputs with it. Everything else about
 * the boundary — the message envelope (./protocol.ts), the job implementations (./jobs.ts) — is derived from
 * this table.
 *
 *   train      a training job (src/train/job.ts): its events are the job's; pause/resume/interrupt by control
 *   prepare    the editor's model reads the text typed so far (so that the pause waits only for `complete`)
 *   complete   the editor's ghost text; summarize, reply: the seq2seq panes (tokens stream as events)
 *   inspect    loads a checkpoint folder to be sure it runs, and describes it for importing
 */
import { z } from 'zod';
import { Completion, CompleteRequest, PrepareRequest, Prepared, Reply, ReplyRequest, Summary, SummarizeRequest } from '../contract/index.js';
import { isCheckpointFileName } from '../model/checkpoint/manifest.js';
import { JobEvent, JobResult, TrainingJobSpec } from '../train/jobSpec.js';

/** A checkpoint to generate with: its directory and the sha256 its row recorded (loading verifies it). */
export const CheckpointRef = z.strictObject({ dir: z.string().min(1), sha256: z.string(), step: z.int().nonnegative() });

/** What a checkpoint folder holds, for importing it. */
export const CheckpointInfo = z.object({
  kind: z.enum(['lm', 'seq2seq']),
  task: z.enum(['summarize', 'dialogue']).nullable(),
  step: z.int().nonnegative(),
  metrics: z.record(z.string(), z.unknown()),
  /** Model sizes as far as the files say (contract names: embed, hidden, layers, cell, level, vocabSize…). */
  config: z.record(z.string(), z.unknown()),
  /** The files that make up the checkpoint (relative names, flat), to copy on import. */
  files: z.array(z.string().refine(isCheckpointFileName, 'must be a checkpoint file name')).min(1),
});

/** A piece of generated text, streamed as it is produced. */
const Token = z.strictObject({ text: z.string() });
const None = z.never();

const def = <I extends z.ZodType, O extends z.ZodType, E extends z.ZodType>(input: I, output: O, event: E) => ({ input, output, event });

export const workerTable = {
  train: def(TrainingJobSpec, JobResult, JobEvent),
  prepare: def(z.strictObject({ checkpoint: CheckpointRef, request: PrepareRequest }), Prepared, None),
  complete: def(z.strictObject({ checkpoint: CheckpointRef, request: CompleteRequest }), Completion, Token),
  summarize: def(z.strictObject({ checkpoint: CheckpointRef, request: SummarizeRequest }), Summary, Token),
  reply: def(z.strictObject({ checkpoint: CheckpointRef, request: ReplyRequest }), Reply, Token),
  inspect: def(z.strictObject({ dir: z.string().min(1) }), CheckpointInfo, None),
} as const;

export type WorkerTable = typeof workerTable;
export type WorkerMethod = keyof WorkerTable;
export const WORKER_METHODS = Object.keys(workerTable) as WorkerMethod[];
/** What a caller passes (defaults still optional). */
export type WorkerInput<M extends WorkerMethod> = z.input<WorkerTable[M]['input']>;
/** What a job receives (validated, defaults applied). */
export type WorkerParsedInput<M extends WorkerMethod> = z.output<WorkerTable[M]['input']>;
export type WorkerOutput<M extends WorkerMethod> = z.output<WorkerTable[M]['output']>;
export type WorkerEvent<M extends WorkerMethod> = z.output<WorkerTable[M]['event']>;

export type CheckpointRef = z.infer<typeof CheckpointRef>;
export type CheckpointInfo = z.infer<typeof CheckpointInfo>;

/** Steering a call that runs for long: a training job pauses (after a checkpoint), resumes, or is interrupted (checkpointed, resumable). */
export const CONTROLS = ['pause', 'resume', 'interrupt'] as const;
export type Control = (typeof CONTROLS)[number];
