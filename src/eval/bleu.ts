/**
 * BLEU as sacrebleu computes it (`sacrebleu.metrics.bleu`, v2): corpus BLEU from summed sufficient
 * statistics, tokenizer `13a`, n-gram order 4, `exp` smoothing, effective order off, brevity penalty
 * with sacrebleu's closest-reference-length rule (ties go to the shorter reference). Scores are on the
 * 0–100 scale. `sentenceBleu` matches `sacrebleu.sentence_bleu` (exp smoothing, effective order on).
 */
import { pyRstrip, pySplit, tokenize13a } from './tokenize13a.js';

export type SmoothMethod = 'exp' | 'none' | 'floor' | 'add-k';
/** `13a` (default) or `none` (split on whitespace only, for text that is already tokenized). */
export type BleuTokenizer = '13a' | 'none';

export interface BleuOptions {
  tokenize?: BleuTokenizer;
  lowercase?: boolean;
  smoothMethod?: SmoothMethod;
  /** For `floor` (default 0.1) and `add-k` (default 1); ignored otherwise. */
  smoothValue?: number;
  maxNgramOrder?: number;
  /** Average only over n-gram orders the hypothesis has (sacrebleu's `effective_order`). */
  effectiveOrder?: boolean;
}

export interface BleuScore {
  /** 0–100. */
  score: number;
  /** Clipped n-gram matches for n = 1…maxNgramOrder. */
  counts: number[];
  /** Hypothesis n-grams for n = 1…maxNgramOrder. */
  totals: number[];
  /** n-gram precisions in percent, after smoothing. */
  precisions: number[];
  /** Brevity penalty. */
  bp: number;
  sysLen: number;
  refLen: number;
}

const SMOOTH_DEFAULTS: Record<SmoothMethod, number | null> = { none: null, floor: 0.1, 'add-k': 1, exp: null };

/** sacrebleu's `my_log`: log with log(0) floored to -9999999999 so a zero precision zeroes the score. */
function myLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}

interface ComputeOptions {
  smoothMethod?: SmoothMethod;
  smoothValue?: number;
  effectiveOrder?: boolean;
  maxNgramOrder?: number;
}

/** BLEU from sufficient statistics (sacrebleu's `BLEU.compute_bleu`; its default smoothing is `none`). */
export function computeBleu(
  correct: readonly number[],
  total: readonly number[],
  sysLen: number,
  refLen: number,
  options: ComputeOptions = {},
): BleuScore {
  const method = options.smoothMethod ?? 'none';
  const order = options.maxNgramOrder ?? 4;
  const smoothValue = options.smoothValue ?? SMOOTH_DEFAULTS[method] ?? 0;
  const counts = [...correct];
  const totals = [...total];
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(order).fill(0);
  // sacrebleu #141: no matching n-gram at all is a flat 0, whatever the smoothing.
  if (!counts.some((c) => c !== 0)) return { score: 0, counts, totals, precisions, bp, sysLen, refLen };

  let smoothMteval = 1;
  let effOrder = order;
  for (let n = 1; n <= order; n++) {
    if (method === 'add-k' && n > 1) {
      counts[n - 1]! += smoothValue;
      totals[n - 1]! += smoothValue;
    }
    const c = counts[n - 1] ?? 0;
    const t = totals[n - 1] ?? 0;
    if (t === 0) break;
    if (options.effectiveOrder) effOrder = n;
    if (c === 0) {
      if (method === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * t);
      } else if (method === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / t;
      }
    } else {
      precisions[n - 1] = (100 * c) / t;
    }
  }
  let logSum = 0;
  for (const p of precisions.slice(0, effOrder)) logSum += myLog(p);
  const score = bp * Math.exp(logSum / effOrder);
  return { score, counts, totals, precisions, bp, sysLen, refLen };
}

function ngramCounts(tokens: readonly string[], maxOrder: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      // Tokens never contain a space (they come from a whitespace split), so ' ' is a safe joiner.
      const key = tokens.slice(i, i + n).join(' ');
      out.set(key, (out.get(key) ?? 0) + 1);
    }
  }
  return out;
}

/** sacrebleu's `_get_closest_ref_len`: nearest length, the shorter one on a tie. */
export function closestRefLength(hypLen: number, refLens: readonly number[]): number {
  let bestDiff = -1;
  let best = -1;
  for (const len of refLens) {
    const diff = Math.abs(hypLen - len);
    if (bestDiff === -1 || diff < bestDiff) {
      bestDiff = diff;
      best = len;
    } else if (diff === bestDiff && len < best) {
      best = len;
    }
  }
  return best;
}

function preprocess(sentence: string, options: BleuOptions): string[] {
  const s = options.lowercase ? sentence.toLowerCase() : sentence;
  const stripped = pyRstrip(s);
  return pySplit((options.tokenize ?? '13a') === '13a' ? tokenize13a(stripped) : stripped);
}

/** Per-segment statistics: [hypLen, refLen, correct_1..N, total_1..N]. */
function segmentStats(hypothesis: string, references: readonly string[], options: BleuOptions, order: number): number[] {
  const refNgrams = new Map<string, number>();
  const refLens: number[] = [];
  for (const ref of references) {
    const tokens = preprocess(ref, options);
    refLens.push(tokens.length);
    for (const [gram, count] of ngramCounts(tokens, order)) {
      if (count > (refNgrams.get(gram) ?? 0)) refNgrams.set(gram, count);
    }
  }
  const hyp = preprocess(hypothesis, options);
  const correct = new Array<number>(order).fill(0);
  const total = new Array<number>(order).fill(0);
  for (const [gram, count] of ngramCounts(hyp, order)) {
    const n = gram.split(' ').length - 1;
    total[n]! += count;
    correct[n]! += Math.min(count, refNgrams.get(gram) ?? 0);
  }
  return [hyp.length, closestRefLength(hyp.length, refLens), ...correct, ...total];
}

/** A reference may be `null` where a segment has fewer references than others (sacrebleu's `None`). */
type Reference = string | null;
type References = readonly Reference[] | readonly (readonly Reference[])[];

/** One reference stream (`string[]`) or several aligned streams (`string[][]`, sacrebleu's shape). */
function referenceStreams(references: References): readonly (readonly Reference[])[] {
  if (references.length === 0) return [];
  return Array.isArray(references[0]) ? (references as readonly (readonly Reference[])[]) : [references as readonly Reference[]];
}

/**
 * Corpus BLEU. `references` is either one reference per hypothesis, or a list of reference streams each
 * aligned with the hypotheses. As in sacrebleu ≥ 2.2, an empty reference is a reference of length 0 (it can
 * be the closest length for the brevity penalty) and only a `null` one is left out: sacrebleu 2.6.0,
 * `sacrebleu/metrics/base.py` line 339–340 (`_cache_references`: `lines = [x for x in refs if x is not
 * None]`, which replaced 2.0's `x is not None and x != ""` and its "Empty or `None` reference" error in
 * commit a73315b, "Version 2.2"). A segment whose references are all `null` is an error (sacrebleu fails
 * on it with a TypeError).
 */
export function corpusBleu(hypotheses: readonly string[], references: References, options: BleuOptions = {}): BleuScore {
  const order = options.maxNgramOrder ?? 4;
  const streams = referenceStreams(references);
  for (const [k, stream] of streams.entries()) {
    if (stream.length !== hypotheses.length) {
      throw new Error(`Reference stream ${k} has ${stream.length} segments for ${hypotheses.length} hypotheses`);
    }
  }
  const sums = new Array<number>(2 + 2 * order).fill(0);
  for (const [i, hyp] of hypotheses.entries()) {
    const refs = streams.map((s) => s[i]!).filter((r): r is string => r !== null);
    if (refs.length === 0) throw new Error(`Segment ${i} has no reference`);
    segmentStats(hyp, refs, options, order).forEach((v, k) => (sums[k]! += v));
  }
  return computeBleu(sums.slice(2, 2 + order), sums.slice(2 + order), sums[0]!, sums[1]!, {
    smoothMethod: options.smoothMethod ?? 'exp',
    ...(options.smoothValue !== undefined ? { smoothValue: options.smoothValue } : {}),
    effectiveOrder: options.effectiveOrder ?? false,
    maxNgramOrder: order,
  });
}

/**
 * Sentence BLEU with sacrebleu's `sentence_bleu` defaults: exp smoothing and effective order on. An empty
 * reference gives 0 (no n-gram can match: `compute_bleu`'s early stop, bleu.py line 257), not an error.
 */
export function sentenceBleu(hypothesis: string, references: string | readonly string[], options: BleuOptions = {}): BleuScore {
  const refs = typeof references === 'string' ? [references] : references;
  return corpusBleu([hypothesis], refs.map((r) => [r]), { effectiveOrder: true, ...options });
}
