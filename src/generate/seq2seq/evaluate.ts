/**
 * Evaluating a seq2seq model on pairs, with the baselines in the same report:
 *
 *  - summarize: ROUGE-1/2/L/Lsum F1 (and P/R) of the model's summaries — rouge_score with the Porter stemmer,
 *    ROUGE-Lsum on sentences found by Longhand's splitter (BBC summaries run sentences together) — and of
 *    lead-1 and lead-3 (a first line that looks like a headline is skipped), and `leadMatched`: the article's
 *    first words, as many (whitespace-separated) as the model's summary of that article has, so that the model
 *    is also compared with the lead at its own length (ROUGE F1 rewards length on long references);
 *  - dialogue: corpus BLEU (sacrebleu, 13a, exp smoothing) of order 4 and of orders 1 and 2 (BLEU-1/2), and
 *    distinct-1/2 of the replies, and the same for two baselines: echoing the message back, and the most
 *    frequent reply among the evaluated pairs' references (given to every message: the generic-reply floor);
 *  - both: the model's perplexity on the references (teacher forcing, `</s>` counted).
 */
import { type RougeScores, corpusBleu, corpusRouge, distinctN, leadK, leadSentences } from '../../eval/index.js';
import { makeBatch } from '../../model/seq2seq/batch.js';
import type { EncodedPair } from '../../model/seq2seq/codec.js';
import type { Pair } from '../../text/pairs/index.js';
import { type Seq2seqHandle, generateFrom, replySearch, summarySearch } from './index.js';
import type { SearchOptions } from './search.js';

export interface RougeFigures {
  rouge1: number;
  rouge2: number;
  rougeL: number;
  rougeLsum: number;
  /** Precision and recall of each, for the curious. */
  detail: RougeScores;
}

export interface Seq2seqEvalReport {
  task: 'summarize' | 'dialogue';
  pairs: number;
  /** Pairs left out because their source had no tokens. */
  skipped: number;
  /** exp(mean NLL per reference token). */
  perplexity: number;
  meanNll: number;
  referenceTokens: number;
  model: { rouge?: RougeFigures; bleu?: number; dialogue?: DialogueFigures; meanLength: number };
  baselines: Record<string, { rouge?: RougeFigures; bleu?: number; dialogue?: DialogueFigures; reply?: string }>;
  decoding: SearchOptions;
  seconds: number;
  /** The first pairs' (source, reference, output), as many as `examples` asks. */
  examples: { source: string; reference: string; output: string }[];
}

/** Corpus BLEU of orders 1, 2 and 4 (sacrebleu 13a, `exp` smoothing) and distinct-1/2, all on a 0–1 or 0–100 scale as named. */
export interface DialogueFigures {
  bleu1: number;
  bleu2: number;
  bleu4: number;
  distinct1: number;
  distinct2: number;
}

export interface EvaluateOptions {
  task?: 'summarize' | 'dialogue';
  decoding?: SearchOptions;
  /** How many (source, reference, output) triples the report quotes, from the first pairs. Default 3. */
  examples?: number;
  /** Batch size for the perplexity pass. Default 16. */
  batch?: number;
  /** Called after each generated output (progress). */
  onProgress?: (done: number, total: number) => void;
}

export function evaluateSeq2seq(handle: Seq2seqHandle, pairs: readonly Pair[], options: EvaluateOptions = {}): Seq2seqEvalReport {
  const started = performance.now();
  const task = options.task ?? handle.task ?? 'summarize';
  const { model, codec } = handle;
  const config = model.config;
  const decoding: SearchOptions =
    options.decoding ?? (task === 'summarize' ? summarySearch({}, handle) : replySearch());
  const used: Pair[] = [];
  const encoded: EncodedPair[] = [];
  let skipped = 0;
  for (const pair of pairs) {
    const e = codec.encodePair(pair, config.maxSourceLen, config.maxTargetLen, config.copy);
    if (e.source.ids.length === 0) {
      skipped++;
      continue;
    }
    used.push(pair);
    encoded.push(e);
  }
  if (used.length === 0) throw new Error('none of the pairs has a source the model can read');

  // Perplexity over the references (as truncated to the model's target length).
  let nll = 0;
  let tokens = 0;
  const batch = options.batch ?? 16;
  const order = [...encoded.keys()].sort((a, b) => encoded[a]!.source.ids.length - encoded[b]!.source.ids.length);
  for (let i = 0; i < order.length; i += batch) {
    const b = makeBatch(
      order.slice(i, i + batch).map((k) => encoded[k]!),
      config,
    );
    const s = model.score(b);
    nll += s.nllSum;
    tokens += s.tokens;
  }

  const outputs: string[] = [];
  let totalLength = 0;
  encoded.forEach((e, i) => {
    // Sampled replies: pair i draws with seed + i. One seed for every pair would give every reply the same
    // random numbers, so a weak model's replies would look alike ("You was been." to half the messages); the
    // Dialogue pane draws a fresh seed per reply. Still reproducible.
    const search = decoding.strategy === 'sample' ? { ...decoding, seed: (decoding.seed ?? 0) + i } : decoding;
    const out = generateFrom(handle, e.source, search);
    outputs.push(out.text);
    totalLength += out.tokens.length;
    options.onProgress?.(i + 1, encoded.length);
  });
  const references = used.map((p) => p.target);
  const report: Seq2seqEvalReport = {
    task,
    pairs: used.length,
    skipped,
    perplexity: Math.exp(nll / tokens),
    meanNll: nll / tokens,
    referenceTokens: tokens,
    model: { meanLength: totalLength / used.length },
    baselines: {},
    decoding,
    seconds: 0,
    examples: used.slice(0, options.examples ?? 3).map((p, i) => ({ source: p.source.slice(0, 300), reference: p.target.slice(0, 300), output: outputs[i]! })),
  };
  if (task === 'summarize') {
    report.model.rouge = rouge(references, outputs);
    for (const k of [1, 3]) {
      report.baselines[`lead${k}`] = { rouge: rouge(references, used.map((p) => leadK(p.source, k, { skipHeadline: hasHeadline(p.source) }))) };
    }
    report.baselines['leadMatched'] = { rouge: rouge(references, used.map((p, i) => leadWords(p.source, wordCount(outputs[i]!), { skipHeadline: hasHeadline(p.source) }))) };
  } else {
    report.model.dialogue = dialogueFigures(outputs, references);
    report.model.bleu = report.model.dialogue.bleu4;
    const echo = dialogueFigures(used.map((p) => p.source), references);
    report.baselines['echo'] = { bleu: echo.bleu4, dialogue: echo };
    const reply = mostFrequent(references);
    const frequent = dialogueFigures(references.map(() => reply), references);
    report.baselines['mostFrequent'] = { bleu: frequent.bleu4, dialogue: frequent, reply };
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

function dialogueFigures(outputs: string[], references: string[]): DialogueFigures {
  const bleu = (order: number) => corpusBleu(outputs, references, { maxNgramOrder: order, smoothMethod: 'exp' }).score;
  return { bleu1: bleu(1), bleu2: bleu(2), bleu4: bleu(4), distinct1: distinctN(outputs, 1), distinct2: distinctN(outputs, 2) };
}

/** The most frequent text (the first of the most frequent, in order of appearance). */
function mostFrequent(texts: string[]): string {
  const counts = new Map<string, number>();
  let best = texts[0] ?? '';
  for (const t of texts) {
    const c = (counts.get(t) ?? 0) + 1;
    counts.set(t, c);
    if (c > (counts.get(best) ?? 0)) best = t;
  }
  return best;
}

function rouge(targets: string[], predictions: string[]): RougeFigures {
  const { mean } = corpusRouge(targets, predictions, { useStemmer: true, splitSummaries: true });
  return { rouge1: mean.rouge1!.fmeasure, rouge2: mean.rouge2!.fmeasure, rougeL: mean.rougeL!.fmeasure, rougeLsum: mean.rougeLsum!.fmeasure, detail: mean };
}

const wordCount = (text: string): number => text.split(/\s+/).filter(Boolean).length;

/**
 * The first `words` whitespace-separated words of the article (after the headline when `skipHeadline`), one
 * sentence per line as lead-k gives them; the last sentence is cut where the count runs out.
 */
export function leadWords(article: string, words: number, options: { skipHeadline?: boolean } = {}): string {
  const lines: string[] = [];
  let left = words;
  for (const sentence of leadSentences(article, Number.MAX_SAFE_INTEGER, options)) {
    if (left <= 0) break;
    const pieces = sentence.split(/\s+/).filter(Boolean);
    lines.push(pieces.slice(0, left).join(' '));
    left -= pieces.length;
  }
  return lines.join('\n');
}

/** A first line followed by a blank line, without a full stop, short: a headline (BBC News articles). */
export function hasHeadline(article: string): boolean {
  const match = /^([^\n]*)\n\s*\n/.exec(article);
  if (!match) return false;
  const line = match[1]!.trim();
  return line.length > 0 && !/[.!?]["'”’)]?$/.test(line) && line.split(/\s+/).length <= 20;
}
