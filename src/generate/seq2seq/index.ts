/**
 * Summaries and replies from a seq2seq checkpoint: what the worker's summarizer and dialogue panes call.
 * Every output token comes with its attention row over the source tokens (the summarizer draws the heatmap).
 *
 *   const model = await loadSeq2seq(dir);              // or fromCheckpoint(loaded)
 *   const s = summarize(model, text, { beam: 4 });     // { summary, sourceTokens, summaryTokens, attention, … }
 *   const r = reply(model, message, { seed: 1 }  // REPLY_DECODING: sampling at 0.7, top 40, no repeated trigram);
 *   model.dispose();
 */
import { REPLY_DECODING, SUMMARY_DECODING } from '../../contract/schemas/decoding.js';
import type { EncodedSource, Seq2seqCodec } from '../../model/seq2seq/codec.js';
import { type LoadedSeq2seqCheckpoint, type Seq2seqTask, type TargetLength, loadSeq2seqCheckpoint } from '../../model/seq2seq/checkpoint.js';
import { Seq2seqModel } from '../../model/seq2seq/model.js';
import { tf } from '../../compute/tf.js';
import { type SearchOptions, type SearchResult, search } from './search.js';
import { Seq2seqSession } from './session.js';

export { type SearchOptions, type SearchResult, type Strategy, search } from './search.js';
export { Seq2seqSession, type SessionStep } from './session.js';

/** A loaded seq2seq model with its tokenizers, ready to generate. */
export interface Seq2seqHandle {
  model: Seq2seqModel;
  codec: Seq2seqCodec;
  /** What it was trained for (null when unknown). */
  task: Seq2seqTask | null;
  /** The checkpoint's metrics and step, when loaded from one. */
  step: number | null;
  /** How long its training targets were, per source token (absent in older checkpoints). */
  targetLength?: TargetLength;
  dispose(): void;
}

export async function loadSeq2seq(dir: string, options: { expectedSha256?: string } = {}): Promise<Seq2seqHandle> {
  return fromCheckpoint(await loadSeq2seqCheckpoint(dir, options));
}

/** A handle from a loaded checkpoint (its weight and optimizer tensors are consumed: disposed here). */
export function fromCheckpoint(loaded: LoadedSeq2seqCheckpoint): Seq2seqHandle {
  try {
    const model = Seq2seqModel.fromWeights(loaded.config, loaded.weights);
    const { task, step, targetLength } = loaded.meta;
    return { model, codec: loaded.codec, task, step, ...(targetLength ? { targetLength } : {}), dispose: () => model.dispose() };
  } finally {
    tf.dispose(Object.values(loaded.weights));
    if (loaded.optimizer) tf.dispose(loaded.optimizer.state.map((s) => s.tensor));
  }
}

export interface Generated {
  text: string;
  /** Output tokens as text (copied OOVs included), `</s>` left out. */
  tokens: string[];
  /** The source tokens the model read (after truncation). */
  sourceTokens: string[];
  /** attention[i][j]: weight of source token j when output token i was produced (rows sum to ~1). */
  attention: number[][];
  /** Mean log-probability per output token (≤ 0). */
  score: number;
  /** True when the source was longer than the model reads and was cut. */
  truncated: boolean;
  /** False when the output was cut at the maximum length instead of ending. */
  finished: boolean;
}

/** Generates from `text` with any search settings (defaults: greedy, the model's maximum length). */
export function generate(handle: Seq2seqHandle, text: string, options: SearchOptions = {}): Generated {
  const { model, codec } = handle;
  const source = codec.encodeSource(text, model.config.maxSourceLen);
  if (source.ids.length === 0) throw new Seq2seqInputError('there is nothing to read in the text (no tokens)');
  return generateFrom(handle, source, options);
}

export function generateFrom(handle: Seq2seqHandle, source: EncodedSource, options: SearchOptions = {}): Generated {
  const session = new Seq2seqSession(handle.model, source);
  let result: SearchResult;
  try {
    result = search(session, options);
  } finally {
    session.dispose();
  }
  const tokens = handle.codec.tokenStrings(result.ids, source.oovs);
  return {
    text: handle.codec.detokenize(tokens),
    tokens,
    sourceTokens: source.pieces,
    attention: result.attention.map((row) => Array.from(row, (v) => Math.round(v * 1e5) / 1e5)),
    score: result.meanLogProb,
    truncated: source.truncated,
    finished: result.finished,
  };
}

/** Unset (or undefined) fields take SUMMARY_DECODING's values (src/contract/schemas/decoding.ts). */
export interface SummarizeOptions {
  /** Beam width; 1 is greedy. */
  beam?: number | undefined;
  /** Wu et al.'s α. */
  lengthPenalty?: number | undefined;
  /** Wu et al.'s β. Default 0 (0.2 is a common choice with a coverage model). */
  coveragePenalty?: number | undefined;
  /** Default: as long as the model's training summaries relative to their sources (its TargetLength), else 0. */
  minLength?: number | undefined;
  /** Default: the model's maxTargetLen. */
  maxLength?: number | undefined;
  /** No repeated n-grams of this length. */
  blockNgram?: number | undefined;
}

/** The search a summary is decoded with (`handle`: the model, whose training summaries set the default minimum). */
export function summarySearch(options: SummarizeOptions = {}, handle?: Pick<Seq2seqHandle, 'targetLength'>): SearchOptions {
  const beam = options.beam ?? SUMMARY_DECODING.beam;
  const perSource = options.minLength === undefined ? handle?.targetLength?.perSourceToken : undefined;
  return {
    strategy: beam > 1 ? 'beam' : 'greedy',
    beam,
    lengthPenalty: options.lengthPenalty ?? SUMMARY_DECODING.lengthPenalty,
    coveragePenalty: options.coveragePenalty ?? 0,
    ...(options.minLength !== undefined ? { minLength: options.minLength } : perSource !== undefined ? { minLengthPerSourceToken: perSource } : {}),
    ...(options.maxLength !== undefined ? { maxLength: options.maxLength } : {}),
    blockNgram: options.blockNgram ?? SUMMARY_DECODING.blockNgram,
  };
}

/** The shape of the contract's GenerateSummarizeOutput (without modelId). */
export interface SummarizeResult {
  summary: string;
  sourceTokens: string[];
  summaryTokens: string[];
  attention: number[][];
  score: number;
  truncated: boolean;
}

export function summarize(handle: Seq2seqHandle, text: string, options: SummarizeOptions = {}): SummarizeResult {
  const out = generate(handle, text, summarySearch(options, handle));
  return { summary: out.text, sourceTokens: out.sourceTokens, summaryTokens: out.tokens, attention: out.attention, score: out.score, truncated: out.truncated };
}

/** Unset (or undefined) fields take REPLY_DECODING's values (src/contract/schemas/decoding.ts). */
export interface ReplyOptions {
  /** 0 decodes deterministically (beam search, or greedy with beam 1); above 0 samples. */
  temperature?: number | undefined;
  /** Sampling seed (the same seed and message give the same reply). Default 0. */
  seed?: number | undefined;
  /** Sample among the k most likely tokens (0: all). */
  topK?: number | undefined;
  /** Beam width when temperature is 0. */
  beam?: number | undefined;
  /** Wu et al.'s α for beam search. Default 1. */
  lengthPenalty?: number | undefined;
  /** Default: the model's maxTargetLen. */
  maxTokens?: number | undefined;
  /** No repeated n-grams of this length (0: off). */
  blockNgram?: number | undefined;
}

/** The search a reply is decoded with. */
export function replySearch(options: ReplyOptions = {}): SearchOptions {
  const temperature = options.temperature ?? REPLY_DECODING.temperature;
  const beam = options.beam ?? REPLY_DECODING.beam;
  const common = {
    ...(options.maxTokens !== undefined ? { maxLength: options.maxTokens } : {}),
    blockNgram: options.blockNgram ?? REPLY_DECODING.blockNgram,
  };
  return temperature > 0
    ? { strategy: 'sample', temperature, seed: options.seed ?? 0, topK: options.topK ?? REPLY_DECODING.topK, ...common }
    : { strategy: beam > 1 ? 'beam' : 'greedy', beam, lengthPenalty: options.lengthPenalty ?? 1, ...common };
}

export interface ReplyResult {
  reply: string;
  tokens: string[];
  sourceTokens: string[];
  attention: number[][];
  score: number;
  truncated: boolean;
}

/**
 * A reply to `message`. Models trained on DailyDialog-style pairs read one utterance, so earlier turns are
 * not part of the input.
 */
export function reply(handle: Seq2seqHandle, message: string, options: ReplyOptions = {}): ReplyResult {
  const out = generate(handle, message, replySearch(options));
  return { reply: out.text, tokens: out.tokens, sourceTokens: out.sourceTokens, attention: out.attention, score: out.score, truncated: out.truncated };
}

/** Input the model cannot use (an empty text): the message is for the user. */
export class Seq2seqInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Seq2seqInputError';
  }
}
