/**
 * Sampling the next token from one logits row, in JS (the vocabulary is small): CTRL's repetition penalty,
 * temperature (0 = greedy argmax), top-k, top-p (nucleus), and a seeded RNG (src/model/rng.ts, plain JS, so
 * the same seed gives the same text on the same backend). `generate` runs the loop on a fork of a session:
 * one `step` per token, stopping at a word, sentence or line boundary (./stop.ts), a stop string,
 * end-of-sequence or `maxTokens`.
 */
import { Rng } from '../model/rng.js';
import { END, argmax, buildEvents, eventLogProb } from './events.js';
import type { Session } from './session.js';
import { type StopAt, type StopReason, endKind, findStopString, isEndToken, stopRule, tokenTable } from './stop.js';

export interface SamplingOptions {
  /** Divides the logits; 0 picks the most likely token (greedy, deterministic). Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens; 0 or absent keeps all. */
  topK?: number;
  /** Keep the fewest most likely tokens whose probability reaches p; 1 or absent keeps all. */
  topP?: number;
  /** CTRL (Keskar et al. 2019): a recent token's logit is divided by θ when positive, multiplied when negative. 1 = off. */
  repetitionPenalty?: number;
  /** How many of the latest tokens (context included) the penalty looks at. Default 64. */
  repetitionWindow?: number;
}

export interface GenerateOptions extends SamplingOptions {
  maxTokens: number;
  stopAt?: StopAt | null;
  /** Words, sentences or lines before stopping (with `stopAt`). Default 1. */
  count?: number;
  stopStrings?: readonly string[];
  /** Seed of the sampler; random when absent (the one used is returned). */
  seed?: number;
  /** Checked between tokens (generation yields to the event loop then, so an abort can arrive). */
  signal?: AbortSignal;
}

export interface Generation {
  text: string;
  tokens: number[];
  /** The model's log-probability of the tokens (and of ending, when an end event stopped it). */
  logProb: number;
  /** Tokens plus the end event, if any: what `logProb` sums over. */
  events: number;
  stopReason: StopReason;
  /** True when `maxTokens` cut a unit short and the text was trimmed back to the last whole one. */
  trimmed: boolean;
  seed: number;
}

export const DEFAULT_REPETITION_WINDOW = 64;

/** CTRL's repetition penalty, in place: every distinct token among the last `window` of `history`. */
export function applyRepetitionPenalty(logits: Float64Array, history: readonly number[], penalty: number, window = DEFAULT_REPETITION_WINDOW): Float64Array {
  if (penalty === 1) return logits;
  const seen = new Set(history.slice(Math.max(0, history.length - window)));
  for (const id of seen) {
    const value = logits[id];
    if (value === undefined) continue;
    logits[id] = value > 0 ? value / penalty : value * penalty;
  }
  return logits;
}

/**
 * Probabilities to sample from, given logits (or log-probabilities): softmax(logits / temperature), then
 * top-k, then top-p, renormalised. Excluded entries are 0. Temperature must be > 0 here (0 is argmax).
 */
export function filteredProbabilities(logits: ArrayLike<number>, options: Pick<SamplingOptions, 'temperature' | 'topK' | 'topP'> = {}): Float64Array {
  const { temperature = 1, topK = 0, topP = 1 } = options;
  const n = logits.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[i]! / temperature);
  const probs = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += probs[i] = Math.exp(logits[i]! / temperature - max);
  for (let i = 0; i < n; i++) probs[i]! /= sum;
  const k = topK > 0 ? Math.min(topK, n) : n;
  if (k < n || topP < 1) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => probs[b]! - probs[a]! || a - b);
    let keep = k;
    if (topP < 1) {
      let cumulative = 0;
      for (let rank = 0; rank < k; rank++) {
        cumulative += probs[order[rank]!]!;
        if (cumulative >= topP) {
          keep = rank + 1;
          break;
        }
      }
    }
    let kept = 0;
    for (let rank = 0; rank < n; rank++) {
      if (rank < keep) kept += probs[order[rank]!]!;
      else probs[order[rank]!] = 0;
    }
    for (let i = 0; i < n; i++) probs[i]! /= kept;
  }
  return probs;
}

/** The distribution the next token is drawn from (no stop rules): penalty, temperature, top-k, top-p. */
export function nextTokenProbabilities(logits: ArrayLike<number>, options: SamplingOptions & { history?: readonly number[] } = {}): Float64Array {
  validateSampling(options);
  const penalised = applyRepetitionPenalty(Float64Array.from(logits), options.history ?? [], options.repetitionPenalty ?? 1, options.repetitionWindow);
  if (options.temperature === 0) {
    const probs = new Float64Array(logits.length);
    probs[argmax(penalised)] = 1;
    return probs;
  }
  return filteredProbabilities(penalised, options);
}

/** Index drawn from `probs` (summing to ~1) with a uniform `u` in [0, 1). */
export function sampleIndex(probs: ArrayLike<number>, u: number): number {
  let cumulative = 0;
  let last = -1;
  for (let i = 0; i < probs.length; i++) {
    if (!(probs[i]! > 0)) continue;
    cumulative += probs[i]!;
    last = i;
    if (u < cumulative) return i;
  }
  if (last < 0) throw new Error('cannot sample: every probability is zero');
  return last;
}

export function validateSampling(options: SamplingOptions): void {
  const { temperature = 1, topK = 0, topP = 1, repetitionPenalty = 1, repetitionWindow = DEFAULT_REPETITION_WINDOW } = options;
  if (!(Number.isFinite(temperature) && temperature >= 0)) throw new RangeError(`temperature must be a number ≥ 0 (got ${temperature})`);
  if (!(Number.isInteger(topK) && topK >= 0)) throw new RangeError(`top-k must be an integer ≥ 0 (got ${topK})`);
  if (!(topP > 0 && topP <= 1)) throw new RangeError(`top-p must be in (0, 1] (got ${topP})`);
  if (!(Number.isFinite(repetitionPenalty) && repetitionPenalty > 0)) throw new RangeError(`repetition penalty must be a positive number (got ${repetitionPenalty})`);
  if (!(Number.isInteger(repetitionWindow) && repetitionWindow >= 0)) throw new RangeError(`repetition window must be an integer ≥ 0 (got ${repetitionWindow})`);
}

export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}

/** Continues the session's text (on a fork: the session itself does not move). */
export async function generate(session: Session, options: GenerateOptions): Promise<Generation> {
  validateSampling(options);
  const { maxTokens, signal, temperature = 1, repetitionPenalty = 1, repetitionWindow = DEFAULT_REPETITION_WINDOW } = options;
  if (!(Number.isInteger(maxTokens) && maxTokens >= 0)) throw new RangeError(`maxTokens must be an integer ≥ 0 (got ${maxTokens})`);
  const rule = stopRule(options);
  const unit = rule.stopAt ? { ...rule, count: 1 } : null;
  const table = tokenTable(session.tokenizer);
  const seed = options.seed ?? randomSeed();
  const rng = new Rng(seed);
  signal?.throwIfAborted();
  const fork = session.fork();
  try {
    let text = '';
    const tokens: number[] = [];
    let logProb = 0;
    let events = 0;
    let stopReason: StopReason = 'max-tokens';
    let lastUnit: { tokens: number; chars: number; logProb: number; events: number } | null = null;
    for (let i = 0; i < maxTokens; i++) {
      if (signal && i > 0) {
        await new Promise((resolve) => setImmediate(resolve));
        signal.throwIfAborted();
      }
      const { kind, reason } = endKind(rule, text);
      const raw = fork.logits;
      const penalised = repetitionPenalty === 1 ? raw : applyRepetitionPenalty(Float64Array.from(raw), fork.tokens, repetitionPenalty, repetitionWindow);
      const choices = buildEvents(penalised, table, kind);
      const k = temperature === 0 ? argmax(choices.logProbs) : sampleIndex(filteredProbabilities(choices.logProbs, options), rng.next());
      const id = choices.ids[k]!;
      const lp = penalised === raw ? choices.logProbs[k]! : eventLogProb(raw, table, kind, id);
      if (id === END) {
        logProb += lp;
        events += 1;
        stopReason = kind === 'none' ? 'eos' : reason;
        break;
      }
      // Where a whole unit ended: the place to trim back to if maxTokens cuts the next one short.
      if (unit && isEndToken(table, endKind(unit, text).kind, id)) lastUnit = { tokens: tokens.length, chars: text.length, logProb, events };
      tokens.push(id);
      logProb += lp;
      events += 1;
      const before = text.length;
      text += table.texts[id];
      const stopAt = findStopString(rule, text, before);
      if (stopAt >= 0) {
        text = text.slice(0, stopAt);
        stopReason = 'stop-string';
        break;
      }
      if (i + 1 < maxTokens) fork.feed([id]);
    }
    let trimmed = false;
    if (stopReason === 'max-tokens' && lastUnit) {
      tokens.length = lastUnit.tokens;
      text = text.slice(0, lastUnit.chars);
      logProb = lastUnit.logProb;
      events = lastUnit.events;
      trimmed = true;
    }
    return { text, tokens, logProb, events, stopReason, trimmed, seed };
  } finally {
    fork.dispose();
  }
}
