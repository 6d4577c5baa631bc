/**
 * ROUGE-N, ROUGE-L and ROUGE-Lsum reproducing google-research `rouge_score` (the `rouge_score` Python
 * package): its default tokenizer, its n-gram and LCS scoring, and its summary-level LCS for ROUGE-Lsum,
 * where sentences are the non-empty lines of each text. Scores are fractions in [0, 1].
 *
 * Corpus level: `corpusRouge` reports the plain mean of per-example precision, recall and F1.
 * `rouge_score`'s `BootstrapAggregator` reports the median of 1,000 bootstrap means as "mid", which is
 * close to but not exactly the mean, and random; we report the mean and say so.
 */
import { lcsLength, summaryLevelLcsHits } from './lcs.js';
import { porterStem } from './porter.js';
import { splitSentences } from '../text/sentences.js';

export interface Score {
  precision: number;
  recall: number;
  fmeasure: number;
}

/** `rouge1`…`rouge9` (n-gram overlap), `rougeL` (one LCS over the whole text), `rougeLsum` (per line). */
export type RougeType = `rouge${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}` | 'rougeL' | 'rougeLsum';

export const DEFAULT_ROUGE_TYPES: readonly RougeType[] = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];

export interface RougeOptions {
  types?: readonly RougeType[];
  /** Porter-stem tokens longer than 3 characters (rouge_score's `use_stemmer`). Default false. */
  useStemmer?: boolean;
  /**
   * ROUGE-Lsum only: find sentences with Longhand's splitter instead of taking lines. rouge_score's own
   * `split_summaries=True` uses NLTK's Punkt, so scores with this on are close to, not equal to, its.
   * Needed for texts such as BBC summaries that run sentences together on one line.
   */
  splitSummaries?: boolean;
}

export type RougeScores = Partial<Record<RougeType, Score>>;

const STEM_CACHE_LIMIT = 50_000;
const stemCache = new Map<string, string>();

function cachedStem(token: string): string {
  let stem = stemCache.get(token);
  if (stem === undefined) {
    stem = porterStem(token);
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(token, stem);
  }
  return stem;
}

const VALID_TOKEN = /^[a-z0-9]+$/;

/**
 * rouge_score's tokenizer: lower-case, every run of characters outside [a-z0-9] becomes a space, split on
 * whitespace, stem tokens longer than 3 characters if asked, drop anything that is not [a-z0-9]+.
 * Non-ASCII letters are therefore dropped (é, ü, ’), exactly as the reference does.
 */
export function rougeTokenize(text: string, useStemmer = false): string[] {
  const tokens = text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').split(/\s+/);
  const out: string[] = [];
  for (const raw of tokens) {
    const token = useStemmer && raw.length > 3 ? cachedStem(raw) : raw;
    if (VALID_TOKEN.test(token)) out.push(token);
  }
  return out;
}

export function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

const ZERO: Score = { precision: 0, recall: 0, fmeasure: 0 };

export function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    // Tokens are [a-z0-9]+, so a space cannot collide inside a key.
    const key = tokens.slice(i, i + n).join(' ');
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** ROUGE-N with clipped counts; an empty side gives 0 (rouge_score divides by max(count, 1)). */
export function scoreNgrams(target: readonly string[], prediction: readonly string[], n: number): Score {
  const t = ngramCounts(target, n);
  const p = ngramCounts(prediction, n);
  let overlap = 0;
  let targetTotal = 0;
  let predictionTotal = 0;
  for (const [gram, count] of t) {
    overlap += Math.min(count, p.get(gram) ?? 0);
    targetTotal += count;
  }
  for (const count of p.values()) predictionTotal += count;
  const precision = overlap / Math.max(predictionTotal, 1);
  const recall = overlap / Math.max(targetTotal, 1);
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

export function scoreLcs(target: readonly string[], prediction: readonly string[]): Score {
  if (target.length === 0 || prediction.length === 0) return { ...ZERO };
  const lcs = lcsLength(target, prediction);
  const precision = lcs / prediction.length;
  const recall = lcs / target.length;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

export function scoreSummaryLcs(
  targetSentences: readonly (readonly string[])[],
  predictionSentences: readonly (readonly string[])[],
): Score {
  if (targetSentences.length === 0 || predictionSentences.length === 0) return { ...ZERO };
  const m = targetSentences.reduce((sum, s) => sum + s.length, 0);
  const n = predictionSentences.reduce((sum, s) => sum + s.length, 0);
  if (m === 0 || n === 0) return { ...ZERO };
  const hits = summaryLevelLcsHits(targetSentences, predictionSentences);
  const precision = hits / n;
  const recall = hits / m;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

function lsumSentences(text: string, splitSummaries: boolean): string[] {
  if (splitSummaries) return splitSentences(text, { lineBreaks: 'always' }).map((s) => s.text);
  return text.split('\n').filter((line) => line.length > 0);
}

function ngramOrder(type: string): number | null {
  const match = /^rouge([0-9])$/.exec(type);
  if (!match) return null;
  const n = Number(match[1]);
  if (n <= 0) throw new Error(`ROUGE-N needs a positive n: ${type}`);
  return n;
}

/** Score one prediction against one target (rouge_score's `RougeScorer.score(target, prediction)`). */
export function rougeScore(target: string, prediction: string, options: RougeOptions = {}): RougeScores {
  const types = options.types ?? DEFAULT_ROUGE_TYPES;
  const stem = options.useStemmer ?? false;
  const result: RougeScores = {};
  let targetTokens: string[] | null = null;
  let predictionTokens: string[] | null = null;
  const tokens = (): [string[], string[]] => {
    targetTokens ??= rougeTokenize(target, stem);
    predictionTokens ??= rougeTokenize(prediction, stem);
    return [targetTokens, predictionTokens];
  };
  for (const type of types) {
    if (type === 'rougeL') {
      result[type] = scoreLcs(...tokens());
    } else if (type === 'rougeLsum') {
      const split = options.splitSummaries ?? false;
      const t = lsumSentences(target, split).map((s) => rougeTokenize(s, stem));
      const p = lsumSentences(prediction, split).map((s) => rougeTokenize(s, stem));
      result[type] = scoreSummaryLcs(t, p);
    } else {
      const n = ngramOrder(type);
      if (n === null) throw new Error(`Unknown ROUGE type: ${String(type)}`);
      result[type] = scoreNgrams(...tokens(), n);
    }
  }
  return result;
}

export interface CorpusRouge {
  /** Number of (target, prediction) pairs averaged. */
  count: number;
  /** Plain mean of each per-example precision, recall and F1 (not rouge_score's bootstrap "mid"). */
  mean: RougeScores;
}

/** Mean of per-example scores; types missing from an example are an error rather than silently skipped. */
export function aggregateRouge(scores: readonly RougeScores[], types: readonly RougeType[] = DEFAULT_ROUGE_TYPES): CorpusRouge {
  const mean: RougeScores = {};
  for (const type of types) {
    const sum = { precision: 0, recall: 0, fmeasure: 0 };
    for (const [i, s] of scores.entries()) {
      const score = s[type];
      if (!score) throw new Error(`Example ${i} has no ${type} score`);
      sum.precision += score.precision;
      sum.recall += score.recall;
      sum.fmeasure += score.fmeasure;
    }
    const n = Math.max(scores.length, 1);
    mean[type] = { precision: sum.precision / n, recall: sum.recall / n, fmeasure: sum.fmeasure / n };
  }
  return { count: scores.length, mean };
}

export function corpusRouge(
  targets: readonly string[],
  predictions: readonly string[],
  options: RougeOptions = {},
): CorpusRouge {
  if (targets.length !== predictions.length) {
    throw new Error(`ROUGE needs one prediction per target: ${predictions.length} predictions, ${targets.length} targets`);
  }
  const scores = targets.map((t, i) => rougeScore(t, predictions[i]!, options));
  return aggregateRouge(scores, options.types ?? DEFAULT_ROUGE_TYPES);
}
