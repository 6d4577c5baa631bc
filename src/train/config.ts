/**
 * A language-model training run's settings: model size, tokenizer, batching, optimiser and schedule, budget,
 * split and loop cadence, with the defaults: the "standard size" (char level, embed 64, 1 × LSTM 256,
 * batch 32 × seq 64, clip 5, dropout 0) and the schedule tuned for it (docs/performance.md, "Training
 * quality"): PyTorch-style initial weights, Adam with a peak lr of 1.2e-2 after 100 warm-up steps, cosine
 * decay to 2 % of the peak over the budget. Stored as the run's config in SQLite, so a resumed run uses
 * exactly the settings it started with.
 */
import { INIT_SCHEMES, type InitScheme } from './init.js';
import { type LrDecay, LR_DECAYS, validateSchedule } from './schedule.js';
import { type SplitFractions, validateSplit } from './data.js';
import { validateBudget } from './loop.js';
import type { Budget } from './task.js';

export interface LmTrainingConfig {
  level: 'char' | 'word' | 'bpe';
  /** Vocabulary size for word and BPE (ignored for characters: every character of the corpus). */
  vocabSize?: number;
  embed: number;
  hidden: number;
  layers: number;
  cell: 'lstm' | 'gru';
  /** Initial weights of a new model (./init.ts). */
  init: InitScheme;
  seq: number;
  batch: number;
  /** Peak learning rate. */
  lr: number;
  warmupSteps: number;
  decay: LrDecay;
  /** The learning rate decays to this fraction of the peak. */
  minLrFraction: number;
  dropout: number;
  /** Global gradient-norm clipping (0: none). */
  clip: number;
  seed: number;
  /** Train / validation / test fractions of the token stream. */
  split: SplitFractions;
  budget: Budget;
  evalEvery: number;
  /** Validation evaluations read at most this many positions (the start of the split); one measure throughout
   * a run, so that "best" compares like with like. The test split is always read whole. */
  evalMaxTokens: number;
  /** Parallel contiguous streams an evaluation reads the split in, and the steps per chunk. */
  evalStreams: number;
  evalChunk: number;
  patience: number;
  divergenceFactor: number;
  sampleEvery: number;
  sampleLength: number;
  sampleTemperature: number;
  checkpointEvery: number;
  checkpointMinutes: number;
  logEvery: number;
}

export const DEFAULT_LM_TRAINING: LmTrainingConfig = {
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
  decay: 'cosine',
  minLrFraction: 0.02,
  dropout: 0,
  clip: 5,
  seed: 0,
  split: [0.9, 0.05, 0.05],
  budget: { minutes: 10 },
  evalEvery: 250,
  evalMaxTokens: 131_072,
  evalStreams: 32,
  evalChunk: 256,
  patience: 5,
  divergenceFactor: 4,
  sampleEvery: 500,
  sampleLength: 200,
  sampleTemperature: 0.8,
  checkpointEvery: 0,
  checkpointMinutes: 10,
  logEvery: 10,
};

/** Defaults overridden by `partial`, checked; throws RangeError with a one-line message naming the setting. */
export function resolveLmConfig(partial: Partial<LmTrainingConfig> = {}): LmTrainingConfig {
  // Only known settings: a stored config may carry other keys (the contract's, the run's source).
  const known = new Set<string>([...Object.keys(DEFAULT_LM_TRAINING), 'vocabSize']);
  const defined = Object.fromEntries(Object.entries(partial).filter(([k, v]) => v !== undefined && known.has(k))) as Partial<LmTrainingConfig>;
  const c: LmTrainingConfig = { ...DEFAULT_LM_TRAINING, ...defined };
  if (!['char', 'word', 'bpe'].includes(c.level)) throw new RangeError(`level must be char, word or bpe (got ${String(c.level)})`);
  if (!['lstm', 'gru'].includes(c.cell)) throw new RangeError(`cell must be lstm or gru (got ${String(c.cell)})`);
  if (!INIT_SCHEMES.includes(c.init)) throw new RangeError(`init must be ${INIT_SCHEMES.join(' or ')} (got ${String(c.init)})`);
  const positive = ['embed', 'hidden', 'layers', 'seq', 'batch', 'evalMaxTokens', 'evalStreams', 'evalChunk', 'logEvery', 'sampleLength'] as const;
  for (const key of positive) int(key, c[key], 1);
  const nonNegative = ['warmupSteps', 'evalEvery', 'patience', 'sampleEvery', 'checkpointEvery', 'seed'] as const;
  for (const key of nonNegative) int(key, c[key], 0);
  if (c.vocabSize !== undefined) int('vocabSize', c.vocabSize, 2);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new RangeError(`dropout must be in [0, 1) (got ${c.dropout})`);
  for (const key of ['clip', 'checkpointMinutes', 'divergenceFactor'] as const) {
    if (!(Number.isFinite(c[key]) && c[key] >= 0)) throw new RangeError(`${key} must be a non-negative number (got ${c[key]})`);
  }
  if (!(c.sampleTemperature > 0)) throw new RangeError(`sampleTemperature must be positive (got ${c.sampleTemperature})`);
  if (!LR_DECAYS.includes(c.decay)) throw new RangeError(`decay must be one of ${LR_DECAYS.join(', ')} (got ${String(c.decay)})`);
  validateSchedule({ peak: c.lr, warmupSteps: c.warmupSteps, decay: c.decay, minFraction: c.minLrFraction });
  if (!Array.isArray(c.split) || c.split.length !== 3) throw new RangeError('split must be three fractions (train, validation, test)');
  validateSplit(c.split);
  validateBudget(c.budget);
  return { ...c, split: [c.split[0], c.split[1], c.split[2]], budget: { ...c.budget } };
}

function int(name: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min)) throw new RangeError(`${name} must be an integer ≥ ${min} (got ${value})`);
}
