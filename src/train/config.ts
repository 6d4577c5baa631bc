/**
 * Every training default, in one place, and how a run's settings are resolved: a request's settings (the CLI's
 * flags, the app's preset with overrides) over the defaults of its kind, then checked against the contract's
 * schema — the only place bounds live. A run stores the resolved settings, all of them, in the contract's
 * shape, so a resume trains with exactly the settings it started with, whatever the defaults are by then.
 *
 * Language models: the "standard size" (char level, embed 64, 1 × LSTM 256, batch 32 × seq 64, clip 5,
 * dropout 0) and the schedule tuned for it (docs/performance.md, "Training quality"): PyTorch-style initial
 * weights, Adam with a peak lr of 1.2e-2 after 100 warm-up steps, cosine decay to 2 % of the peak.
 * Encoder–decoder models: word level, shared vocabulary, embed 128, hidden 256, 1 layer, bidirectional
 * encoder, Luong (general) attention, Adam lr 1e-3 with warm-up and cosine decay, clip 2, random batches;
 * summarize: copy on, sources up to 400 tokens, summaries up to 100, batch 16; dialogue: no copy, 40/40 tokens,
 * batch 32. A run that fine-tunes a trained model starts from FINE_TUNE_DEFAULTS (language models) or
 * SEQ2SEQ_FINE_TUNE_DEFAULTS instead. Both kinds share the divergence rule (a sustained rise: `divergenceFactor` 2) and its recovery
 * (DIVERGENCE_RECOVERY); no task turns them off.
 */
import os from 'node:os';
import {
  LmConfig,
  LmConfigInput,
  Seq2seqConfig,
  type Seq2seqTask,
  Threads,
  zodMessage,
} from '../contract/index.js';
import type { z } from 'zod';
import { SetupError } from './errors.js';

type LmConfigType = z.output<typeof LmConfig>;
type Seq2seqConfigType = z.output<typeof Seq2seqConfig>;

/** A language-model run's settings, resolved: every setting present (the vocabulary size only for word/BPE). */
export type LmSettings = Required<Omit<LmConfigType, 'vocabSize' | 'text' | 'from'>> & Pick<LmConfigType, 'vocabSize' | 'text' | 'from'>;
/** An encoder–decoder run's settings, resolved. */
export type Seq2seqSettings = Required<Omit<Seq2seqConfigType, 'vocabSize' | 'from'>> & Pick<Seq2seqConfigType, 'vocabSize' | 'from'>;

const LOOP: Pick<LmSettings, 'patience' | 'divergenceFactor' | 'checkpointEvery' | 'checkpointMinutes' | 'logEvery' | 'seed' | 'decay'> = {
  patience: 5,
  divergenceFactor: 2,
  checkpointEvery: 0,
  checkpointMinutes: 10,
  logEvery: 10,
  seed: 0,
  decay: 'cosine',
};

export const LM_DEFAULTS: Omit<LmSettings, 'vocabSize' | 'text' | 'from'> = {
  ...LOOP,
  level: 'char',
  embed: 64,
  hidden: 256,
  layers: 1,
  cell: 'lstm',
  init: 'torch',
  seq: 64,
  batch: 32,
  lr: 1.2e-2,
  warmupSteps: 100,
  minLrFraction: 0.02,
  dropout: 0,
  clip: 5,
  validationFraction: 0.05,
  testFraction: 0.05,
  budget: { minutes: 10 },
  evalEvery: 250,
  // Validation reads at most this many positions (the start of the split): one measure throughout a run, so
  // that "best" compares like with like. The test split is always read whole.
  evalMaxTokens: 131_072,
  evalStreams: 32,
  evalChunk: 256,
  sampleEvery: 500,
  sampleLength: 200,
  sampleTemperature: 0.8,
};

/**
 * What changes when a run starts from a trained model (fine-tuning a writer's text, which is small and read in
 * minutes): a lower peak and a short warm-up, so the parent's knowledge is adjusted rather than overwritten;
 * frequent validation on the writer's own held-out text, which decides when to stop (patience) and which
 * checkpoint is best; some dropout, because a novel is little text for a model of the starter's size; and a
 * five-minute budget. The architecture is the parent's (see src/train/lm/parentModel.ts).
 */
export const FINE_TUNE_DEFAULTS: Partial<LmSettings> = {
  lr: 2e-3,
  batch: 32,
  warmupSteps: 20,
  minLrFraction: 0.1,
  dropout: 0.1,
  seq: 128,
  validationFraction: 0.1,
  testFraction: 0,
  budget: { minutes: 5 },
  evalEvery: 50,
  evalMaxTokens: 65_536,
  patience: 4,
  sampleEvery: 200,
  checkpointMinutes: 1,
};

const SEQ2SEQ_COMMON: Omit<Seq2seqSettings, 'vocabSize' | 'pairs' | 'task' | 'from' | 'copy' | 'maxSourceLen' | 'maxTargetLen' | 'batch'> = {
  ...LOOP,
  level: 'word',
  sharedVocab: true,
  embed: 128,
  hidden: 256,
  layers: 1,
  cell: 'lstm',
  bidirectional: true,
  attention: 'luong',
  luongScore: 'general',
  coverage: false,
  coverageWeight: 1,
  sourceCounts: false,
  // Random batches: a batch cut from a length-sorted pool holds only the longest pairs now and then, and those
  // batches made the loss spikes (docs/performance.md, "Training that survives"); padding costs little here.
  lengthBuckets: false,
  dropout: 0.1,
  lr: 1e-3,
  warmupSteps: 100,
  minLrFraction: 0.1,
  clip: 2,
  validationFraction: 0.05,
  budget: { minutes: 30 },
  evalEvery: 200,
  evalMaxTokens: 20_000,
  sampleEvery: 200,
};

export const SEQ2SEQ_DEFAULTS: Record<Seq2seqTask, Omit<Seq2seqSettings, 'vocabSize' | 'pairs' | 'task' | 'from'>> = {
  summarize: { ...SEQ2SEQ_COMMON, copy: true, maxSourceLen: 400, maxTargetLen: 100, batch: 16 },
  dialogue: { ...SEQ2SEQ_COMMON, copy: false, maxSourceLen: 40, maxTargetLen: 40, batch: 32 },
};

/**
 * What changes when an encoder–decoder run starts from a trained model (a summarizer or the dialogue starter
 * adapted to a writer's pairs, which are few): FINE_TUNE_DEFAULTS' approach — a peak a third of a new model's
 * and a short warm-up, so the parent's attention and vocabulary are adjusted rather than overwritten; a larger
 * validation share, validated often, deciding when to stop (patience) and which checkpoint is best; batches of
 * 16 pairs (more steps from little data); a five-minute budget. Not yet tuned by measurement as the language
 * model's were. The architecture, vocabulary and maximum lengths are the parent's (src/train/seq2seq/parentModel.ts).
 */
export const SEQ2SEQ_FINE_TUNE_DEFAULTS: Partial<Seq2seqSettings> = {
  lr: 3e-4,
  batch: 16,
  warmupSteps: 20,
  minLrFraction: 0.1,
  dropout: 0.1,
  validationFraction: 0.1,
  budget: { minutes: 5 },
  evalEvery: 50,
  evalMaxTokens: 10_000,
  patience: 4,
  sampleEvery: 100,
  checkpointMinutes: 1,
};

/** Environment variable that caps the default thread count (a writer who wants a core left alone, a test). */
export const THREADS_ENV = 'LONGHAND_THREADS';

/**
 * Training threads when the caller does not say: every core this process may use (os.availableParallelism),
 * or LONGHAND_THREADS when it is set to a count the contract allows.
 */
export function defaultThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[THREADS_ENV]?.trim();
  if (raw) {
    const parsed = Threads.safeParse(Number(raw));
    if (!parsed.success) throw new SettingsError(`${THREADS_ENV} must be a whole number from 1 to 256 (got "${raw}")`);
    return parsed.data;
  }
  return Math.min(256, Math.max(1, os.availableParallelism()));
}

/** A job's thread count: the one given (checked against the contract), or the default. */
export function resolveThreads(given: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  return given === undefined ? defaultThreads(env) : check(Threads, given);
}

/**
 * Fewest batch rows worth a replica of their own: below this the gradient exchange and thinner matrix products
 * cost more than the extra core gives (docs/performance.md, "Data-parallel training"), so a small batch trains on
 * fewer replicas than there are threads.
 */
export const MIN_ROWS_PER_REPLICA = 8;

/**
 * What a job does when its run diverges (src/train/job.ts), whatever the kind: it goes back to the last good
 * checkpoint (or to step 0 when there is none), multiplies the learning rate by `lrFactor` and goes on, at most
 * `rollbacks` times; diverging again ends the run.
 */
export const DIVERGENCE_RECOVERY = { rollbacks: 1, lrFactor: 0.5 } as const;

/** A run saves its first checkpoint after this many minutes of training (then every `checkpointMinutes`). */
export const FIRST_CHECKPOINT_MINUTES = 1;

/** Settings a caller gave, which do not fit the contract's bounds; the message is one line naming the setting. */
export class SettingsError extends RangeError {
  override name = 'SettingsError';
}

/** `given` over the language-model defaults, checked (throws SettingsError). Undefined values are not given. */
export function resolveLmConfig(given: unknown = {}): LmSettings {
  const partial = check(LmConfigInput, definedOnly(given));
  return check(LmConfig, { ...LM_DEFAULTS, ...(partial.from ? FINE_TUNE_DEFAULTS : {}), ...partial }) as LmSettings;
}

/**
 * `given` (with its pairs and task) over the task's defaults — and the fine-tuning defaults when it has a parent
 * (`from`) — checked (throws SettingsError).
 */
export function resolveSeq2seqConfig(given: { task: Seq2seqTask; pairs: unknown } & Record<string, unknown>): Seq2seqSettings {
  const defined = definedOnly(given);
  const task = given.task;
  if (task !== 'summarize' && task !== 'dialogue') throw new SettingsError(`task must be summarize or dialogue (got ${String(task)})`);
  return check(Seq2seqConfig, { ...SEQ2SEQ_DEFAULTS[task], ...(defined.from ? SEQ2SEQ_FINE_TUNE_DEFAULTS : {}), ...defined }) as Seq2seqSettings;
}

/** Settings resolved for a job: stored settings that no longer fit are the run's problem (SetupError), not a fault. */
export function settingsOrSetupError<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    if (error instanceof SettingsError) throw new SetupError(`the run's settings are invalid: ${error.message}`);
    throw error;
  }
}

/** The train / validation / test fractions of a language model's token stream. */
export function splitOf(c: Pick<LmSettings, 'validationFraction' | 'testFraction'>): [number, number, number] {
  // Rounded so that 5 % + 5 % leaves exactly 0.9 (the split cuts at ⌊n · fraction⌋).
  const train = Math.round((1 - c.validationFraction - c.testFraction) * 1e12) / 1e12;
  return [train, c.validationFraction, c.testFraction];
}

function check<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new SettingsError(zodMessage(parsed.error));
  return parsed.data;
}

function definedOnly(o: unknown): Record<string, unknown> {
  if (typeof o !== 'object' || o === null) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
