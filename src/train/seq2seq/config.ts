/**
 * A seq2seq training run's settings, with defaults per task. Stored as the run's config in SQLite, so a
 * resumed run uses exactly the settings it started with.
 *
 * Defaults: word level, shared vocabulary, embed 128, hidden 256, 1 layer, bidirectional encoder, Luong
 * (general) attention, Adam lr 1e-3 with warm-up and cosine decay, clip 2; summarize: copy on, sources up to
 * 400 tokens, summaries up to 100, batch 16; dialogue: no copy, 40/40 tokens, batch 32.
 */
import type { Seq2seqCodec } from '../../model/seq2seq/codec.js';
import type { Seq2seqConfig } from '../../model/seq2seq/types.js';
import { validateBudget } from '../loop.js';
import { LR_DECAYS, type LrDecay, validateSchedule } from '../schedule.js';
import type { Budget } from '../task.js';

export type Seq2seqTaskKind = 'summarize' | 'dialogue';

export interface Seq2seqTrainingConfig {
  task: Seq2seqTaskKind;
  level: 'char' | 'word' | 'bpe';
  /** Word and BPE vocabulary cap (specials included). */
  vocabSize?: number;
  /** One tokenizer and embedding for source and target. */
  sharedVocab: boolean;
  embed: number;
  hidden: number;
  layers: number;
  /** Accepted for the contract's shared settings; seq2seq models are LSTM only. */
  cell?: 'lstm';
  bidirectional: boolean;
  attention: 'bahdanau' | 'luong';
  luongScore: 'general' | 'dot';
  copy: boolean;
  coverage: boolean;
  /** λ of the coverage loss. */
  coverageWeight: number;
  dropout: number;
  maxSourceLen: number;
  maxTargetLen: number;
  batch: number;
  lr: number;
  warmupSteps: number;
  decay: LrDecay;
  minLrFraction: number;
  clip: number;
  seed: number;
  /** Held out for validation when no validation file is given (by a hash of each pair's id). */
  validationFraction: number;
  budget: Budget;
  evalEvery: number;
  /** Target tokens a validation reads (the same pairs every time). */
  evalMaxTokens: number;
  patience: number;
  divergenceFactor: number;
  sampleEvery: number;
  checkpointEvery: number;
  checkpointMinutes: number;
  logEvery: number;
}

const COMMON: Omit<Seq2seqTrainingConfig, 'task' | 'copy' | 'maxSourceLen' | 'maxTargetLen' | 'batch'> = {
  level: 'word',
  sharedVocab: true,
  embed: 128,
  hidden: 256,
  layers: 1,
  bidirectional: true,
  attention: 'luong',
  luongScore: 'general',
  coverage: false,
  coverageWeight: 1,
  dropout: 0.1,
  lr: 1e-3,
  warmupSteps: 100,
  decay: 'cosine',
  minLrFraction: 0.1,
  clip: 2,
  seed: 0,
  validationFraction: 0.05,
  budget: { minutes: 30 },
  evalEvery: 200,
  evalMaxTokens: 20_000,
  patience: 5,
  divergenceFactor: 4,
  sampleEvery: 200,
  checkpointEvery: 0,
  checkpointMinutes: 10,
  logEvery: 10,
};

export function defaultSeq2seqConfig(task: Seq2seqTaskKind): Seq2seqTrainingConfig {
  return task === 'summarize'
    ? { ...COMMON, task, copy: true, maxSourceLen: 400, maxTargetLen: 100, batch: 16 }
    : { ...COMMON, task, copy: false, maxSourceLen: 40, maxTargetLen: 40, batch: 32 };
}

/** Task defaults overridden by `partial`, checked; throws RangeError with a one-line message naming the setting. */
export function resolveSeq2seqConfig(partial: Partial<Seq2seqTrainingConfig> = {}): Seq2seqTrainingConfig {
  const task = partial.task ?? 'summarize';
  if (task !== 'summarize' && task !== 'dialogue') throw new RangeError(`task must be summarize or dialogue (got ${String(task)})`);
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<Seq2seqTrainingConfig>;
  const c: Seq2seqTrainingConfig = { ...defaultSeq2seqConfig(task), ...defined };
  if (c.cell !== undefined && c.cell !== 'lstm') throw new RangeError(`seq2seq models use LSTM cells (got cell ${String(c.cell)})`);
  if (!['char', 'word', 'bpe'].includes(c.level)) throw new RangeError(`level must be char, word or bpe (got ${String(c.level)})`);
  if (c.attention !== 'bahdanau' && c.attention !== 'luong') throw new RangeError(`attention must be bahdanau or luong (got ${String(c.attention)})`);
  if (c.luongScore !== 'general' && c.luongScore !== 'dot') throw new RangeError(`luongScore must be general or dot (got ${String(c.luongScore)})`);
  for (const key of ['embed', 'hidden', 'layers', 'maxSourceLen', 'maxTargetLen', 'batch', 'evalMaxTokens', 'logEvery'] as const) int(key, c[key], 1);
  for (const key of ['warmupSteps', 'evalEvery', 'patience', 'sampleEvery', 'checkpointEvery', 'seed'] as const) int(key, c[key], 0);
  if (c.vocabSize !== undefined) int('vocabSize', c.vocabSize, 8);
  if (c.bidirectional && c.hidden % 2 !== 0) throw new RangeError(`a bidirectional encoder needs an even hidden size (got ${c.hidden})`);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new RangeError(`dropout must be in [0, 1) (got ${c.dropout})`);
  if (!(c.validationFraction >= 0 && c.validationFraction <= 0.5)) throw new RangeError(`validationFraction must be in [0, 0.5] (got ${c.validationFraction})`);
  for (const key of ['clip', 'checkpointMinutes', 'divergenceFactor', 'coverageWeight'] as const) {
    if (!(Number.isFinite(c[key]) && c[key] >= 0)) throw new RangeError(`${key} must be a non-negative number (got ${c[key]})`);
  }
  if (!LR_DECAYS.includes(c.decay)) throw new RangeError(`decay must be one of ${LR_DECAYS.join(', ')} (got ${String(c.decay)})`);
  validateSchedule({ peak: c.lr, warmupSteps: c.warmupSteps, decay: c.decay, minFraction: c.minLrFraction });
  validateBudget(c.budget);
  return { ...c, budget: { ...c.budget } };
}

function int(name: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min)) throw new RangeError(`${name} must be an integer ≥ ${min} (got ${value})`);
}

/** The model's own config: the training settings' sizes and switches, the vocabularies from the codec. */
export function modelConfig(config: Seq2seqTrainingConfig, codec: Seq2seqCodec): Seq2seqConfig {
  return {
    sourceVocabSize: codec.source.vocabSize,
    targetVocabSize: codec.target.vocabSize,
    sharedEmbedding: codec.shared,
    embedDim: config.embed,
    hiddenSize: config.hidden,
    layers: config.layers,
    bidirectional: config.bidirectional,
    attention: config.attention,
    luongScore: config.luongScore,
    copy: config.copy,
    coverage: config.coverage,
    dropout: config.dropout,
    maxSourceLen: config.maxSourceLen,
    maxTargetLen: config.maxTargetLen,
    specials: codec.specials,
    sourceSpecials: { pad: 0, unk: 3 },
  };
}
