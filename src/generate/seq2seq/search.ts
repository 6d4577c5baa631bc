/**
 * Decoding strategies over a Seq2seqSession: greedy, sampling (temperature, top-k, seeded) and beam search
 * with the length and coverage penalties of Wu et al. (2016),
 *
 *   score(Y) = log P(Y) / lp(Y) + cp(Y),   lp = ((5 + |Y|) / 6)^α,   cp = β Σ_j log(min(Σ_i α_ij, 1)),
 *
 * n-gram repeat blocking (a token that would repeat an n-gram of the hypothesis is never chosen), and minimum
 * and maximum lengths (`</s>` is forbidden before minLength; hypotheses still open at maxLength end there).
 * `<pad>` and `<s>` are never produced; `<unk>` only when allowed. Every result carries one attention row per
 * output token. Deterministic: ties go to the lower id; sampling draws from a seeded generator.
 */
import { Rng } from '../../model/rng.js';
import type { DecoderState } from '../../model/seq2seq/decoder.js';
import type { Seq2seqSession } from './session.js';

export type Strategy = 'greedy' | 'sample' | 'beam';

export interface SearchOptions {
  strategy?: Strategy;
  /** Beam width (beam search). Default 4. */
  beam?: number;
  /** Output tokens, `</s>` not counted. Default: the model's maxTargetLen. */
  maxLength?: number;
  minLength?: number;
  /**
   * When minLength is not given: the minimum is this many tokens per source token read (rounded), up to the
   * maximum — a summary model's TargetLength, so its summaries are about as long as the ones it learnt from.
   */
  minLengthPerSourceToken?: number;
  /** α of the length penalty (beam). Default 1; 0 ranks by total log-probability. */
  lengthPenalty?: number;
  /** β of the coverage penalty (beam). Default 0. */
  coveragePenalty?: number;
  /** Block repeated n-grams of this size; 0 (default) disables. */
  blockNgram?: number;
  /** Sampling temperature (> 0). Default 1. */
  temperature?: number;
  /** Sample only among the k most likely tokens; 0 (default) = all. */
  topK?: number;
  /** Seed for sampling. Default 0. */
  seed?: number;
  /** Allow `<unk>` in the output. Default false. */
  allowUnk?: boolean;
}

export interface SearchResult {
  /** Output ids in the extended vocabulary, without `</s>`. */
  ids: number[];
  /** attention[i]: weights over the source tokens when ids[i] was produced. */
  attention: Float32Array[];
  /** Σ log P of the output tokens, `</s>` included when it was produced. */
  logProb: number;
  /** Mean log-probability per token (`</s>` included when produced). */
  meanLogProb: number;
  /** True when the output ended with `</s>` (false: cut at maxLength). */
  finished: boolean;
}

interface Node {
  token: number;
  alpha: Float32Array;
  parent: Node | null;
}

interface Hyp {
  node: Node | null;
  logProb: number;
  /** Σ of attention per source position (coverage penalty). */
  coverage: Float64Array | null;
  tokens: number[];
}

export function search(session: Seq2seqSession, options: SearchOptions = {}): SearchResult {
  const strategy = options.strategy ?? 'greedy';
  if (strategy === 'beam' && (options.beam ?? 4) > 1) return beamSearch(session, options);
  return sampleOrGreedy(session, strategy === 'sample', options);
}

function limits(session: Seq2seqSession, options: SearchOptions): { min: number; max: number } {
  const max = options.maxLength ?? session.model.config.maxTargetLen;
  const perSource = options.minLengthPerSourceToken;
  const min = Math.min(options.minLength ?? (perSource !== undefined ? Math.round(perSource * session.sourceLen) : 0), max);
  if (!(Number.isInteger(max) && max >= 1)) throw new RangeError(`maxLength must be a positive integer (got ${max})`);
  return { min, max };
}

/** Sets log-probabilities of tokens that may not come next to −Infinity (in place, one row). */
function constrain(row: Float32Array, session: Seq2seqSession, tokens: readonly number[], min: number, options: SearchOptions): void {
  const { pad, bos, eos, unk } = session.model.config.specials;
  row[pad] = -Infinity;
  row[bos] = -Infinity;
  if (!options.allowUnk) row[unk] = -Infinity;
  if (tokens.length < min) row[eos] = -Infinity;
  const n = options.blockNgram ?? 0;
  if (n > 0 && tokens.length >= n - 1) {
    const len = tokens.length;
    for (let start = 0; start + n - 1 < len; start++) {
      let same = true;
      for (let i = 0; i < n - 1 && same; i++) same = tokens[start + i] === tokens[len - n + 1 + i];
      if (same) row[tokens[start + n - 1]!] = -Infinity;
    }
  }
}

function sampleOrGreedy(session: Seq2seqSession, sampling: boolean, options: SearchOptions): SearchResult {
  const { min, max } = limits(session, options);
  const { bos, eos } = session.model.config.specials;
  const temperature = options.temperature ?? 1;
  if (sampling && !(temperature > 0)) throw new RangeError(`temperature must be positive (got ${temperature})`);
  const rng = new Rng(options.seed ?? 0);
  const ids: number[] = [];
  const attention: Float32Array[] = [];
  let logProb = 0;
  let finished = false;
  let state = session.start();
  let previous = bos;
  try {
    for (let t = 0; t <= max; t++) {
      const out = session.step([previous], state);
      session.release(state);
      state = out.state;
      const row = out.logProbs;
      constrain(row, session, ids, min, options);
      if (t === max) {
        // Only the end may follow: it ends here with `</s>` when the model may end it, as in beam search.
        if (Number.isFinite(row[eos]!)) {
          logProb += row[eos]!;
          finished = true;
        }
        break;
      }
      const id = sampling ? sampleRow(row, temperature, options.topK ?? 0, rng) : argmax(row);
      if (!Number.isFinite(row[id]!)) break;
      logProb += row[id]!;
      if (id === eos) {
        finished = true;
        break;
      }
      ids.push(id);
      attention.push(out.alpha.slice());
      previous = id;
    }
  } finally {
    session.release(state);
  }
  const count = ids.length + (finished ? 1 : 0);
  return { ids, attention, logProb, meanLogProb: count > 0 ? logProb / count : 0, finished };
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

function sampleRow(row: Float32Array, temperature: number, topK: number, rng: Rng): number {
  let candidates = Array.from(row.keys()).filter((i) => Number.isFinite(row[i]!));
  if (candidates.length === 0) return argmax(row);
  if (topK > 0 && candidates.length > topK) candidates = candidates.sort((a, b) => row[b]! - row[a]! || a - b).slice(0, topK);
  let maxValue = -Infinity;
  for (const i of candidates) maxValue = Math.max(maxValue, row[i]!);
  const weights = candidates.map((i) => Math.exp((row[i]! - maxValue) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rng.next() * total;
  for (let k = 0; k < candidates.length; k++) {
    r -= weights[k]!;
    if (r < 0) return candidates[k]!;
  }
  return candidates[candidates.length - 1]!;
}

function beamSearch(session: Seq2seqSession, options: SearchOptions): SearchResult {
  const { min, max } = limits(session, options);
  const width = options.beam ?? 4;
  if (!(Number.isInteger(width) && width >= 1)) throw new RangeError(`beam must be a positive integer (got ${width})`);
  const alpha = options.lengthPenalty ?? 1;
  const beta = options.coveragePenalty ?? 0;
  const { bos, eos } = session.model.config.specials;
  const normalised = (h: Hyp, length: number) => {
    const lp = alpha === 0 ? 1 : ((5 + length) / 6) ** alpha;
    let cp = 0;
    if (beta > 0 && h.coverage) for (const c of h.coverage) cp += Math.log(Math.max(Math.min(c, 1), 1e-6));
    return h.logProb / lp + beta * cp;
  };
  const finished: { hyp: Hyp; score: number; ended: boolean }[] = [];
  let alive: Hyp[] = [{ node: null, logProb: 0, coverage: beta > 0 ? new Float64Array(session.sourceLen) : null, tokens: [] }];
  let state: DecoderState = session.start();
  try {
    for (let t = 0; t <= max && alive.length > 0; t++) {
      const out = session.step(
        alive.map((h) => h.node?.token ?? bos),
        state,
      );
      session.release(state);
      state = out.state;
      const rowWidth = session.width;
      const candidates: { from: number; token: number; logProb: number }[] = [];
      alive.forEach((hyp, i) => {
        const row = out.logProbs.subarray(i * rowWidth, (i + 1) * rowWidth);
        constrain(row, session, hyp.tokens, min, options);
        if (t === max) {
          // At the length limit the hypothesis ends here, with `</s>` when the model may end it.
          const ended = Number.isFinite(row[eos]!);
          const done: Hyp = { ...hyp, logProb: hyp.logProb + (ended ? row[eos]! : 0) };
          finished.push({ hyp: done, score: normalised(done, hyp.tokens.length + (ended ? 1 : 0)), ended });
          return;
        }
        for (const token of topIndices(row, 2 * width)) {
          if (Number.isFinite(row[token]!)) candidates.push({ from: i, token, logProb: hyp.logProb + row[token]! });
        }
      });
      candidates.sort((a, b) => b.logProb - a.logProb || a.from - b.from || a.token - b.token);
      const next: Hyp[] = [];
      const rows: number[] = [];
      // In rank order until the beam is full: an `</s>` ranked among them ends its hypothesis.
      for (const c of candidates) {
        if (next.length >= width) break;
        const parent = alive[c.from]!;
        const alphaRow = out.alpha.slice(c.from * session.sourceLen, (c.from + 1) * session.sourceLen);
        if (c.token === eos) {
          const hyp: Hyp = { ...parent, logProb: c.logProb };
          finished.push({ hyp, score: normalised(hyp, parent.tokens.length + 1), ended: true });
          continue;
        }
        let coverage = parent.coverage;
        if (coverage) {
          coverage = Float64Array.from(coverage);
          for (let j = 0; j < alphaRow.length; j++) coverage[j] = coverage[j]! + alphaRow[j]!;
        }
        next.push({
          node: { token: c.token, alpha: alphaRow, parent: parent.node },
          logProb: c.logProb,
          coverage,
          tokens: [...parent.tokens, c.token],
        });
        rows.push(c.from);
      }
      alive = t === max ? [] : next;
      if (alive.length > 0) {
        const selected = session.select(state, rows);
        session.release(state);
        state = selected;
      }
      if (finished.length >= width) break;
    }
  } finally {
    session.release(state);
  }
  finished.sort((a, b) => b.score - a.score);
  const best = finished[0];
  if (!best) return { ids: [], attention: [], logProb: 0, meanLogProb: 0, finished: false };
  const ids: number[] = [];
  const attention: Float32Array[] = [];
  for (let node = best.hyp.node; node; node = node.parent) {
    ids.push(node.token);
    attention.push(node.alpha);
  }
  ids.reverse();
  attention.reverse();
  const count = ids.length + (best.ended ? 1 : 0);
  return { ids, attention, logProb: best.hyp.logProb, meanLogProb: count > 0 ? best.hyp.logProb / count : 0, finished: best.ended };
}

/** Indices of the k largest values (ties to the lower index), best first. */
function topIndices(row: Float32Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (top.length === k && !(v > row[top[k - 1]!]!)) continue;
    let at = top.length;
    while (at > 0 && v > row[top[at - 1]!]!) at--;
    top.splice(at, 0, i);
    if (top.length > k) top.pop();
  }
  return top;
}
