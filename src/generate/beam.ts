/**
 * Beam search from a session: the n most likely continuations, each ending where ./stop.ts says a
 * continuation may end (for the editor: at a word boundary). All live hypotheses advance together through
 * one `step` with batch = beam width, their states gathered by parent index, so a token costs one batched step.
 *
 * Each hypothesis may, at every position, either emit a token or end ("end here" = every token that would end
 * it, summed: ./events.ts). Ended hypotheses leave the beam; the search stops when n have ended, the beam is
 * empty or `maxTokens` is reached. Scores are the model's own log-probabilities (no temperature or penalty),
 * so a beam of one is greedy decoding.
 */
import { tf } from '../compute/tf.js';
import type { LayerState } from '../model/types.js';
import { END, buildEvents, topIndices } from './events.js';
import { type Session, disposeState } from './session.js';
import { type StopAt, type StopReason, endKind, findStopString, stopRule, tokenTable } from './stop.js';

export interface BeamOptions {
  /** How many continuations to return. */
  n: number;
  /** Hypotheses kept per step; default n. */
  beamWidth?: number;
  maxTokens: number;
  stopAt?: StopAt | null;
  /** Words, sentences or lines before stopping (with `stopAt`). Default 1. */
  count?: number;
  stopStrings?: readonly string[];
  /** Tokens a continuation may start with (1 = allowed), e.g. only those completing a half-typed word; absent: any. */
  firstTokens?: Uint8Array;
  signal?: AbortSignal;
}

export interface Continuation {
  text: string;
  tokens: number[];
  /** Sum of the model's log-probabilities of the tokens and, when it ended at a boundary, of ending there. */
  logProb: number;
  /** Tokens plus the end event, if any. */
  events: number;
  /** logProb / events: mean log-probability per event (length-normalised; 0 for an empty continuation). */
  score: number;
  /** 'max-tokens' for a hypothesis still unfinished when the budget ran out. */
  stopReason: StopReason;
}

interface Hypothesis {
  tokens: number[];
  text: string;
  logProb: number;
}

/**
 * Up to n distinct continuations (by text): finished ones best first by score, then — only if fewer than n
 * finished — unfinished ones, best first.
 */
export async function beamSearch(session: Session, options: BeamOptions): Promise<Continuation[]> {
  const { n, maxTokens, signal } = options;
  const width = Math.max(n, options.beamWidth ?? n);
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`n must be a positive integer (got ${n})`);
  if (!Number.isInteger(width)) throw new RangeError(`beamWidth must be an integer (got ${options.beamWidth})`);
  if (!(Number.isInteger(maxTokens) && maxTokens >= 1)) throw new RangeError(`maxTokens must be a positive integer (got ${maxTokens})`);
  const rule = stopRule(options);
  const table = tokenTable(session.tokenizer);
  const v = table.vocabSize;
  const finished: Continuation[] = [];
  let leftovers: Hypothesis[] = [];
  let live: Hypothesis[] = [{ tokens: [], text: '', logProb: 0 }];
  // The session's own state and logits, used synchronously in the first round only (it may move after).
  let rows: Float32Array = session.logits;
  let state: readonly LayerState[] = session.recurrentState;
  let ownState = false;
  signal?.throwIfAborted();
  try {
    for (let round = 0; live.length > 0; round++) {
      if (signal && round > 0) {
        await new Promise((resolve) => setImmediate(resolve));
        signal.throwIfAborted();
      }
      const candidates: { parent: number; id: number; logProb: number; reason: StopReason }[] = [];
      live.forEach((hypothesis, row) => {
        const { kind, reason } = endKind(rule, hypothesis.text);
        const events = buildEvents(rows.subarray(row * v, (row + 1) * v), table, kind);
        const logProbs = round === 0 && options.firstTokens ? allowedOnly(events, options.firstTokens) : events.logProbs;
        for (const k of topIndices(logProbs, width)) {
          const id = events.ids[k]!;
          if (logProbs[k] === -Infinity) continue;
          candidates.push({ parent: row, id, logProb: hypothesis.logProb + events.logProbs[k]!, reason: id === END && kind === 'none' ? 'eos' : reason });
        }
      });
      const chosen = topIndices(candidates.map((c) => c.logProb), width).map((i) => candidates[i]!);
      const next: { hypothesis: Hypothesis; parent: number }[] = [];
      for (const c of chosen) {
        const parent = live[c.parent]!;
        if (c.id === END) {
          finished.push(continuation(parent.text, parent.tokens, c.logProb, parent.tokens.length + 1, c.reason));
          continue;
        }
        const tokens = [...parent.tokens, c.id];
        const text = parent.text + table.texts[c.id];
        const stop = findStopString(rule, text, parent.text.length);
        if (stop >= 0) finished.push(continuation(text.slice(0, stop), tokens, c.logProb, tokens.length, 'stop-string'));
        else next.push({ hypothesis: { tokens, text, logProb: c.logProb }, parent: c.parent });
      }
      if (finished.length >= n || next.length === 0) break;
      if (round + 1 >= maxTokens) {
        leftovers = next.map((x) => x.hypothesis);
        break;
      }
      const gathered = gatherRows(state, next.map((x) => x.parent));
      const out = session.model.step(next.map((x) => x.hypothesis.tokens.at(-1)!), gathered ?? [...state]);
      if (gathered) disposeState(gathered);
      if (ownState) disposeState(state);
      state = out.state;
      ownState = true;
      rows = Float32Array.from(out.logits.dataSync());
      out.logits.dispose();
      live = next.map((x) => x.hypothesis);
    }
  } finally {
    if (ownState) disposeState(state);
  }
  const results = distinct(finished);
  if (results.length < n) {
    const taken = new Set(results.map((r) => r.text));
    const rest = leftovers.map((h) => continuation(h.text, h.tokens, h.logProb, h.tokens.length, 'max-tokens'));
    results.push(...distinct(rest).filter((r) => !taken.has(r.text)));
  }
  return results.slice(0, n);
}

/** The events' log-probabilities with those of tokens not allowed (and of ending) set to -Infinity. */
function allowedOnly(events: { ids: Int32Array; logProbs: Float64Array }, allowed: Uint8Array): Float64Array {
  const out = Float64Array.from(events.logProbs);
  events.ids.forEach((id, k) => {
    if (id === END || allowed[id] !== 1) out[k] = -Infinity;
  });
  return out;
}

/**
 * Each layer's state rows `parents`, in that order, as new tensors copied in JS (at beam sizes two small
 * copies cost less than gather kernels: tf.gather was a fifth of beam search's time on wasm); null when that
 * is all the rows in order, i.e. the state as it is.
 */
function gatherRows(state: readonly LayerState[], parents: readonly number[]): LayerState[] | null {
  const rows = state[0]?.h.shape[0] ?? 0;
  if (parents.length === rows && parents.every((parent, i) => parent === i)) return null;
  return state.map((s) => (s.c ? { h: pickRows(s.h, parents), c: pickRows(s.c, parents) } : { h: pickRows(s.h, parents) }));
}

function pickRows(t: tf.Tensor, rows: readonly number[]): tf.Tensor2D {
  const width = t.shape[1]!;
  const data = t.dataSync() as Float32Array;
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, i) => out.set(data.subarray(row * width, (row + 1) * width), i * width));
  return tf.tensor2d(out, [rows.length, width]);
}

function continuation(text: string, tokens: number[], logProb: number, events: number, stopReason: StopReason): Continuation {
  return { text, tokens, logProb, events, score: events > 0 ? logProb / events : 0, stopReason };
}

/** Best first by score; of several with the same text, the best. */
function distinct(list: Continuation[]): Continuation[] {
  const sorted = [...list].sort((a, b) => b.score - a.score);
  const seen = new Set<string>();
  return sorted.filter((c) => !seen.has(c.text) && seen.add(c.text));
}
