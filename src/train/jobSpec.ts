/**
 * A training job as data, for both ends of every boundary it crosses: what to train (the kind, the run's
 * settings in the contract's shape, its data, its checkpoint directory and the checkpoints to resume from), what
 * it reports while it trains (JobEvent), and how it ended (JobResult). The CLI passes these in-process; the app
 * passes them through the worker table (src/worker/table.ts), which validates them with these same schemas.
 */
import { z } from 'zod';
import { LmConfig, RunProgress, Seq2seqConfig, Split, Threads } from '../contract/index.js';

/** Any number, NaN and ±Infinity included (a diverged loss is still reported). */
const AnyNumber = z.custom<number>((v) => typeof v === 'number', 'must be a number');
const Step = z.int().nonnegative();

export const KnownCheckpoint = z.strictObject({ step: Step, dir: z.string().min(1), sha256: z.string() });

/**
 * The model to fine-tune (a fresh run with a parent; a resume needs only its own checkpoints). `deleted`: its
 * checkpoint was deleted from the library since — fatal only to a run that has no checkpoint of its own to resume.
 */
const Parent = z.union([z.strictObject({ dir: z.string().min(1), sha256: z.string().optional() }), z.strictObject({ deleted: z.literal(true) })]).optional();

const base = {
  runId: z.int().min(1),
  /** The run's name (for logs). */
  name: z.string(),
  /** `models/<run>`: where this run's checkpoints are written, one directory per step. */
  checkpointDir: z.string().min(1),
  /** Checkpoints the run's record knows, in order of preference (last, best, the rest); empty: start afresh. */
  resumeFrom: z.array(KnownCheckpoint),
  /** Threads to train on (absent: src/train/config.ts `defaultThreads()`); not part of the run's settings. */
  threads: Threads.optional(),
  /**
   * The job's thread serves other work (the app's worker: suggestions). With more than one replica, every replica
   * then trains in a thread of its own and the job's thread only coordinates (src/train/parallel/coordinator.ts).
   */
  keepThreadFree: z.boolean().optional(),
};

export const TrainingJobSpec = z.discriminatedUnion('kind', [
  z.strictObject({
    ...base,
    kind: z.literal('lm'),
    config: LmConfig,
    parent: Parent,
    /** A corpus's documents, or a file read for the run alone. */
    text: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('documents'), documents: z.array(z.string()) }),
      z.strictObject({ kind: z.literal('file'), path: z.string().min(1) }),
    ]),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('seq2seq'),
    config: Seq2seqConfig,
    parent: Parent,
    /** A pairs file (and maybe a validation file), or a corpus's documents to mine pairs from. */
    pairs: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('file'), path: z.string().min(1), validPath: z.string().min(1).optional() }),
      z.strictObject({ kind: z.literal('mined'), label: z.string(), documents: z.array(z.string()) }),
    ]),
  }),
]);

export const SavedCheckpoint = z.strictObject({
  step: Step,
  dir: z.string().min(1),
  sha256: z.string(),
  bytes: z.int().nonnegative(),
  metrics: z.record(z.string(), AnyNumber),
  isBest: z.boolean(),
  isLast: z.boolean(),
});

/** The contract's RunProgress, with what a report brings (see LoopProgress in ./loop.ts). */
export const JobProgress = RunProgress.extend({
  sample: z.string().optional(),
  evaluated: z.boolean().optional(),
  final: z.boolean().optional(),
});

export const JobEvent = z.discriminatedUnion('type', [
  /** Where the run continues from (null: from scratch), which checkpoint directories are left, and what was refused. */
  z.strictObject({
    type: z.literal('resumed'),
    step: Step.nullable(),
    kept: z.strictObject({ best: Step, last: Step }).nullable(),
    rejected: z.array(z.string()),
  }),
  z.strictObject({ type: z.literal('progress'), progress: JobProgress }),
  z.strictObject({ type: z.literal('metrics'), points: z.array(z.strictObject({ step: Step, split: Split, name: z.string().min(1).max(40), value: AnyNumber })) }),
  z.strictObject({ type: z.literal('sample'), step: Step, text: z.string() }),
  /** Written and in place; `prunedSteps`: directories just deleted (their rows go). */
  z.strictObject({ type: z.literal('checkpoint'), checkpoint: SavedCheckpoint.extend({ prunedSteps: z.array(Step) }) }),
  /** The run diverged at `fromStep` and goes on from the checkpoint at `toStep` (0: from the start) with the
   * learning rate × `lrScale`; `prunedSteps`: checkpoint directories after it, deleted (their rows go). */
  z.strictObject({ type: z.literal('rolledBack'), fromStep: Step, toStep: Step, reason: z.string(), lrScale: z.number().positive(), prunedSteps: z.array(Step) }),
  /** The loop paused (after checkpointing) or went on. */
  z.strictObject({ type: z.literal('paused'), paused: z.boolean() }),
]);

export const JobResult = z.strictObject({
  /** How training ended; 'failed': the run could not train on its data (reason says why). */
  outcome: z.enum(['completed', 'early-stopped', 'diverged', 'cancelled', 'interrupted', 'failed']),
  /** One line: why it failed, diverged or stopped early. */
  reason: z.string().optional(),
  /** A failed resume that can be tried again (the data changed or went missing; the checkpoints are intact). */
  resumable: z.boolean().optional(),
  step: Step,
  totalSteps: Step.nullable(),
  epoch: z.number(),
  /** The checkpoint step this session started from (null: from scratch). */
  resumedFromStep: Step.nullable(),
  trainLoss: z.number().nullable(),
  finalValLoss: z.number().nullable(),
  bestValLoss: z.number().nullable(),
  testLoss: z.number().nullable(),
  /** Training tokens per second of training time this session (evaluations and checkpoints excluded). */
  tokensPerSec: z.number().nullable(),
  /** Active training time across sessions. */
  elapsedSeconds: z.number(),
  vocabSize: z.int().nonnegative(),
  parameters: z.int().nonnegative(),
  /** Model replicas this session trained with (1: one thread; see src/train/parallel). */
  replicas: z.int().min(1).optional(),
  /** Things the writer should know (checkpoints that could not be used, pairs left out…). */
  warnings: z.array(z.string()),
});

export type TrainingJobSpec = z.infer<typeof TrainingJobSpec>;
export type LmJobSpec = Extract<TrainingJobSpec, { kind: 'lm' }>;
export type Seq2seqJobSpec = Extract<TrainingJobSpec, { kind: 'seq2seq' }>;
export type JobEvent = z.infer<typeof JobEvent>;
export type JobResult = z.infer<typeof JobResult>;
export type JobProgress = z.infer<typeof JobProgress>;
export type SavedCheckpoint = z.infer<typeof SavedCheckpoint>;
