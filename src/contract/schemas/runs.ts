/**
 * Training runs: the two model kinds' configurations, how a run is started (a preset, explicit settings, or a
 * preset with some settings overridden), the run record with its latest progress, and metric series.
 *
 * Configuration shapes are declared once as plain objects and turned into a strict schema for input (a typo
 * such as `hiden` is refused) and a lenient one for output (a newer service may add fields).
 */
import { z } from 'zod';
import { AbsolutePath, Id, LIMITS, Name, Timestamp, intIn } from './primitives.js';

export const RUN_STATUSES = ['queued', 'running', 'paused', 'finished', 'failed', 'cancelled', 'interrupted'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
/** Statuses a run can leave again (it still occupies the queue). */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['queued', 'running', 'paused'];

export const ModelKind = z.enum(['lm', 'seq2seq']);
export const TokenLevel = z.enum(['char', 'word', 'bpe']);
export const CellKind = z.enum(['lstm', 'gru']);
export const Seq2seqTask = z.enum(['summarize', 'dialogue']);
export const AttentionKind = z.enum(['bahdanau', 'luong']);
export const Split = z.enum(['train', 'validation', 'test']);

/** How long to train: a number of optimiser steps, passes over the data (fractions allowed), or wall-clock minutes. */
export const Budget = z.union([
  z.strictObject({ steps: intIn(1, 10_000_000) }),
  z.strictObject({ epochs: z.number().positive().max(10_000) }),
  z.strictObject({ minutes: z.number().positive().max(7 * 24 * 60) }),
]);

/**
 * Threads a training job may use: replicas of the model trained in step (data parallelism, src/train/parallel) on
 * the wasm and cpu backends; 1 is one thread. Not a run setting: a run may resume with another count.
 */
export const Threads = intIn(1, 256);

export const LR_DECAYS = ['cosine', 'linear', 'inverse-sqrt', 'constant'] as const;
export const LrDecay = z.enum(LR_DECAYS);
export const INIT_SCHEMES = ['keras', 'torch'] as const;
export const InitScheme = z.enum(INIT_SCHEMES);

const trainingShape = {
  level: TokenLevel,
  /** Vocabulary size for word and BPE levels (ignored for characters). */
  vocabSize: intIn(16, 65_536).optional(),
  embed: intIn(4, 2048),
  hidden: intIn(8, 4096),
  layers: intIn(1, 8),
  cell: CellKind,
  batch: intIn(1, 1024),
  lr: z.number().min(1e-6).max(1),
  dropout: z.number().min(0).max(0.9),
  budget: Budget,
  /** Fraction of the data held out for validation. */
  validationFraction: z.number().min(0).max(0.5).optional(),
  seed: intIn(0, 2 ** 32 - 1).optional(),
  // The settings below are optional in a request; a run's stored config always has them all, filled in from
  // the defaults (src/train/config.ts) when the run is created, so a resume trains with exactly these.
  /** Steps of linear warm-up to the peak `lr`. */
  warmupSteps: intIn(0, 1_000_000).optional(),
  decay: LrDecay.optional(),
  /** The learning rate decays to this fraction of the peak. */
  minLrFraction: z.number().min(0).max(1).optional(),
  /** Global gradient-norm clipping (0: none). */
  clip: z.number().min(0).max(1e6).optional(),
  /** Validate every this many steps (0: only at the end). */
  evalEvery: intIn(0, 10_000_000).optional(),
  /** Positions (LM) or target tokens (seq2seq) a validation reads: the same ones every time. */
  evalMaxTokens: intIn(1, 1_000_000_000).optional(),
  /** Stop after this many validations in a row without improvement (0: never). */
  patience: intIn(0, 10_000).optional(),
  /** Diverged when the smoothed loss rises past this multiple of its best and at least a nat above it — a
   * sustained rise, not a spike (0: no such check); NaN/Inf always is. */
  divergenceFactor: z.number().min(0).max(1e6).optional(),
  /** Generate a sample every this many steps (0: never). */
  sampleEvery: intIn(0, 10_000_000).optional(),
  /** Also checkpoint every this many steps (0: not by steps)… */
  checkpointEvery: intIn(0, 10_000_000).optional(),
  /** …and after this many minutes without a checkpoint (0: not by time). */
  checkpointMinutes: z.number().min(0).max(7 * 24 * 60).optional(),
  /** Record the mean train loss every this many steps. */
  logEvery: intIn(1, 1_000_000).optional(),
};

/**
 * The model a fine-tuning run starts from, of the run's kind: one of the library's checkpoints (a starter model,
 * a writer's model) or a checkpoint folder. The run takes its architecture; it is the run's lineage.
 */
const parentName = {
  /** The parent's name when the run was created, so that lineage outlives a deleted or renamed parent. */
  name: z.string().max(200).optional(),
};
const CheckpointParent = z.strictObject({ kind: z.literal('checkpoint'), checkpointId: Id, ...parentName });
const DirParent = z.strictObject({ kind: z.literal('dir'), path: AbsolutePath, ...parentName });
export const ParentModel = z.discriminatedUnion('kind', [CheckpointParent, DirParent]);
/**
 * What a request may start from: a ParentModel, or the starter model of the run's kind this build ships
 * (`{kind: 'starter'}`: the prose starter for a language model, the dialogue starter for an encoder–decoder),
 * which the service records as the folder it is in (with its name), so the run says exactly what it started from.
 */
export const ParentModelRequest = z.discriminatedUnion('kind', [CheckpointParent, DirParent, z.strictObject({ kind: z.literal('starter') })]);

/** Where a language model's text comes from when it is not the run's corpus: a file read for the run alone. */
export const TextSource = z.strictObject({ kind: z.literal('file'), path: AbsolutePath });

const lmShape = {
  ...trainingShape,
  seq: intIn(8, 2048),
  /** Initial weights of a new model. */
  init: InitScheme.optional(),
  /** Fraction of the text held out for a test at the end (after the validation part). */
  testFraction: z.number().min(0).max(0.5).optional(),
  /** Evaluation reads the split as this many parallel contiguous streams, this many steps at a time. */
  evalStreams: intIn(1, 1024).optional(),
  evalChunk: intIn(1, 4096).optional(),
  sampleLength: intIn(1, 10_000).optional(),
  sampleTemperature: z.number().positive().max(10).optional(),
  /** A file to train on instead of the run's corpus (`longhand train lm --text FILE`). */
  text: TextSource.optional(),
  /** Fine-tune this model instead of starting from scratch. */
  from: ParentModel.optional(),
};

const seq2seqModelShape = {
  ...trainingShape,
  /** Encoder–decoder models are LSTM only. */
  cell: z.literal('lstm', { error: 'encoder–decoder models use LSTM cells' }),
  attention: AttentionKind,
  copy: z.boolean(),
  coverage: z.boolean(),
  /** The encoder also reads each source word's ln count in its source (Nallapati et al. 2016). */
  sourceCounts: z.boolean().optional(),
  maxSourceLen: intIn(8, 4096),
  maxTargetLen: intIn(4, 1024),
  /** One tokenizer and embedding for source and target. */
  sharedVocab: z.boolean().optional(),
  bidirectional: z.boolean().optional(),
  luongScore: z.enum(['general', 'dot']).optional(),
  /** λ of the coverage loss. */
  coverageWeight: z.number().min(0).max(100).optional(),
  /** Batches of pairs of similar source length (less padding) instead of random batches. */
  lengthBuckets: z.boolean().optional(),
};

/** Where sentence pairs come from: a pairs file (TSV/JSONL, with an optional validation file) or pairs mined from a corpus. */
export const PairsSource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('file'), path: AbsolutePath, validPath: AbsolutePath.optional() }),
  z.strictObject({ kind: z.literal('mined'), corpusId: Id }),
]);

/** A bidirectional encoder splits its hidden size between the two directions. */
const evenHiddenWhenBidirectional = (c: { hidden?: number; bidirectional?: boolean }, ctx: z.RefinementCtx) => {
  if (c.bidirectional !== false && c.hidden !== undefined && c.hidden % 2 !== 0) {
    ctx.addIssue({ code: 'custom', path: ['hidden'], message: `a bidirectional encoder needs an even hidden size (got ${c.hidden})` });
  }
};

export const LmConfig = z.strictObject(lmShape).refine(
  (c) => (c.validationFraction ?? 0) + (c.testFraction ?? 0) < 1,
  { message: 'the validation and test fractions leave no text to train on', path: ['validationFraction'] },
);
export const Seq2seqModelConfig = z.strictObject(seq2seqModelShape).superRefine(evenHiddenWhenBidirectional);
/** What an encoder–decoder run stores besides its model's settings: its pairs, its task, and the model it fine-tunes. */
const seq2seqRunShape = { pairs: PairsSource, task: Seq2seqTask, from: ParentModel.optional() };
export const Seq2seqConfig = z.strictObject({ ...seq2seqModelShape, ...seq2seqRunShape }).superRefine(evenHiddenWhenBidirectional);
/** The settings a request may leave out (the service and the CLI fill them in). */
export const LmConfigInput = z.strictObject(lmShape).partial();
/** A language-model request's settings (`runs.start`, `runs.estimate`): as LmConfigInput, and it may start from the starter. */
export const LmRunConfigInput = z.strictObject({ ...lmShape, from: ParentModelRequest }).partial();
export const Seq2seqModelConfigInput = z.strictObject(seq2seqModelShape).partial().superRefine(evenHiddenWhenBidirectional);
/** An encoder–decoder request's settings (`runs.start`, `runs.estimate`): as Seq2seqModelConfigInput, and it may fine-tune a model. */
export const Seq2seqRunConfigInput = z.strictObject({ ...seq2seqModelShape, from: ParentModelRequest }).partial().superRefine(evenHiddenWhenBidirectional);

const LmConfigOut = z.object(lmShape);
const Seq2seqModelConfigOut = z.object(seq2seqModelShape);
const Seq2seqConfigOut = z.object({ ...seq2seqModelShape, ...seq2seqRunShape });

export const PresetName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a preset name such as "small"');
export const RunName = Name;

const needsPresetOrConfig = {
  message: 'give a preset, a config, or both (the config overrides the preset)',
  path: ['config'],
};

/**
 * Start a run. The service merges `config` over the preset (or over nothing) and validates the result with the
 * full config schema, so without a preset every setting must be given.
 */
export const RunsStartInput = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('lm'),
      corpusId: Id,
      name: RunName.optional(),
      preset: PresetName.optional(),
      config: LmRunConfigInput.optional(),
    }),
    z.strictObject({
      kind: z.literal('seq2seq'),
      pairs: PairsSource,
      task: Seq2seqTask,
      name: RunName.optional(),
      preset: PresetName.optional(),
      config: Seq2seqRunConfigInput.optional(),
    }),
  ])
  .refine((v) => v.preset !== undefined || v.config !== undefined, needsPresetOrConfig);

/** Where an estimate's training speed comes from. */
export const ESTIMATE_BASES = ['measured', 'scaled', 'documented'] as const;

/**
 * How long a run would take (`runs.estimate`, with the input `runs.start` would get): from its data's size, its
 * budget and the training speed of its model on this machine's backend — measured by an earlier run of the same
 * model size here, scaled from a run of another size here, or the figure documented in resources/presets.
 */
export const RunEstimate = z.object({
  /** Null when there is no speed to go by (no figure for the backend). */
  seconds: z.number().nonnegative().nullable(),
  backend: z.string().nullable(),
  /** Training tokens per second assumed (target tokens for encoder–decoders). */
  tokensPerSecond: z.number().positive().nullable(),
  /** Null when there is no speed, or the budget is a time (it takes its minutes whatever the speed). */
  basis: z.enum(ESTIMATE_BASES).nullable(),
  /** Tokens one pass over the data trains on. */
  tokensPerEpoch: z.number().nonnegative(),
});

/** The latest known progress of a run (null before its first step). Losses are null when NaN. */
export const RunProgress = z.object({
  step: z.int().nonnegative(),
  totalSteps: z.int().nonnegative().nullable(),
  epoch: z.number().nonnegative().nullable(),
  trainLoss: z.number().nullable(),
  valLoss: z.number().nullable(),
  bestValLoss: z.number().nullable(),
  tokensPerSec: z.number().nonnegative().nullable(),
  elapsedSeconds: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
});

const runBase = {
  id: Id,
  name: z.string(),
  status: RunStatus,
  corpusId: Id.nullable(),
  backend: z.string().nullable(),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
  updatedAt: Timestamp,
  /** Why the run failed (one line), when it did. */
  error: z.string().nullable(),
  progress: RunProgress.nullable(),
  /** The models this run's model descends from, by name, oldest first (empty: trained from scratch). */
  lineage: z.array(z.string()).optional(),
  /** What it learnt from: its corpus's name, or its text or pairs file's name; null when that is gone. */
  trainedOn: z.string().nullable().optional(),
};

export const Run = z.discriminatedUnion('kind', [
  z.object({ ...runBase, kind: z.literal('lm'), config: LmConfigOut }),
  z.object({ ...runBase, kind: z.literal('seq2seq'), config: Seq2seqConfigOut }),
]);

export const RunIdInput = z.strictObject({ runId: Id });

export const RunsListInput = z.strictObject({
  status: z.array(RunStatus).max(RUN_STATUSES.length).optional(),
  kind: ModelKind.optional(),
  limit: intIn(1, LIMITS.pageSize).default(100),
});
export const RunsListOutput = z.object({ runs: z.array(Run) });

export const RunSample = z.object({ step: z.int().nonnegative(), text: z.string() });

/**
 * Metric names the service records and the renderer plots. `loss` is mean cross-entropy per token (nats) on the
 * train and validation splits; others may be added freely (names are data, not an enum).
 */
export const LOSS_METRIC = 'loss';

export const MetricName = z.string().regex(/^[a-z][a-z0-9_.-]{0,39}$/, 'must be a metric name such as "loss"');

export const RunsMetricsInput = z.strictObject({
  runId: Id,
  /** Defaults to every metric the run has. */
  names: z.array(MetricName).min(1).max(20).optional(),
  splits: z.array(Split).min(1).max(3).optional(),
  /** Only points after this step (for incremental refresh). */
  sinceStep: z.int().min(0).optional(),
  /** Downsample each series to at most this many points (keeping first and last). */
  maxPoints: intIn(10, 100_000).default(5_000),
});

/** One metric on one split; `values[i]` belongs to `steps[i]` (null where the value was NaN). */
export const MetricSeries = z
  .object({
    name: z.string(),
    split: Split,
    steps: z.array(z.int().nonnegative()),
    values: z.array(z.number().nullable()),
  })
  .refine((s) => s.steps.length === s.values.length, 'steps and values must have the same length');

export const RunsMetricsOutput = z.object({ runId: Id, series: z.array(MetricSeries) });

export const RunsDeleteInput = z.strictObject({
  runId: Id,
  /** Also delete the run's checkpoints on disk (the default). */
  deleteCheckpoints: z.boolean().default(true),
});

export type RunStatus = z.infer<typeof RunStatus>;
export type ModelKind = z.infer<typeof ModelKind>;
export type Seq2seqTask = z.infer<typeof Seq2seqTask>;
export type Budget = z.infer<typeof Budget>;
export type Threads = z.infer<typeof Threads>;
export type LmConfig = z.infer<typeof LmConfig>;
export type Seq2seqModelConfig = z.infer<typeof Seq2seqModelConfig>;
export type Seq2seqConfig = z.infer<typeof Seq2seqConfig>;
export type PairsSource = z.infer<typeof PairsSource>;
export type TextSource = z.infer<typeof TextSource>;
export type ParentModel = z.infer<typeof ParentModel>;
export type ParentModelRequest = z.infer<typeof ParentModelRequest>;
export type LmRunConfigInput = z.infer<typeof LmRunConfigInput>;
export type LmConfigInput = z.infer<typeof LmConfigInput>;
export type Seq2seqModelConfigInput = z.infer<typeof Seq2seqModelConfigInput>;
export type Seq2seqRunConfigInput = z.infer<typeof Seq2seqRunConfigInput>;
export type LrDecay = z.infer<typeof LrDecay>;
export type InitScheme = z.infer<typeof InitScheme>;
export type Run = z.infer<typeof Run>;
export type RunEstimate = z.infer<typeof RunEstimate>;
export type RunProgress = z.infer<typeof RunProgress>;
export type RunSample = z.infer<typeof RunSample>;
export type MetricSeries = z.infer<typeof MetricSeries>;
export type Split = z.infer<typeof Split>;
export { LmConfigOut, Seq2seqModelConfigOut, Seq2seqConfigOut };
