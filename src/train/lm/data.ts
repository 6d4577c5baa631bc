/**
 * A language model's data: the corpus as one stream of token ids, cut into train / validation / test, with
 * random training windows and contiguous evaluation streams.
 *
 * - **Stream**: documents in corpus order, each encoded on its own, joined by the ids of DOCUMENT_SEPARATOR
 *   ("\n\n", a paragraph break: documents are separate pieces of writing, and the model learns that a blank
 *   line may start something new). The tokenizer is trained on the documents plus the separator, so the
 *   separator always has ids.
 * - **Split**: contiguous and deterministic: the first ⌊n·train⌋ ids train, the next ⌊n·(train+val)⌋ − ⌊n·train⌋
 *   validate, the rest test (default 90/5/5). Contiguous, not shuffled, so that held-out text was never seen
 *   even as the context of a training window.
 * - **Training batches**: B random windows of T+1 ids from the train split (start uniform in
 *   [0, n − T − 1), like the PyTorch peer), x = the first T, y = the last T. The only state is the seeded
 *   generator's (one uint32), saved in checkpoints so a resumed run draws the same windows.
 * - **Evaluation**: the split's n − 1 next-token predictions are cut into S contiguous streams of ⌊(n−1)/S⌋
 *   positions (the last ≤ S−1 positions are left out), read in chunks of C steps with the recurrent state
 *   carried from chunk to chunk, as the peer's `val_loss` does with S = 1 and C = 1024.
 * - **Epoch** = ⌈train ids / (B·T)⌉ steps (as many tokens as the split holds, not a pass over every window).
 */
import type { Tokenizer, TokenizerLevel } from '../../text/tokenizers/index.js';
import { trainTokenizer } from '../../text/tokenizers/index.js';
import { SeededRandom } from '../random.js';

export const DOCUMENT_SEPARATOR = '\n\n';

export type SplitName = 'train' | 'validation' | 'test';

/** Fractions of the stream for train, validation and test; they must sum to 1. */
export type SplitFractions = readonly [train: number, validation: number, test: number];
export const DEFAULT_SPLIT: SplitFractions = [0.9, 0.05, 0.05];

export interface TokenSplits {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

export function trainCorpusTokenizer(level: TokenizerLevel, documents: readonly string[], vocabSize?: number): Tokenizer {
  return trainTokenizer(level, [...documents, DOCUMENT_SEPARATOR], vocabSize !== undefined ? { vocabSize } : {});
}

/** The corpus as one stream of ids (see the header). Unknown words/pieces become `<unk>` where the tokenizer has it. */
export function encodeCorpus(tokenizer: Tokenizer, documents: readonly string[]): Int32Array {
  const separator = tokenizer.encode(DOCUMENT_SEPARATOR);
  const parts: number[][] = [];
  let length = 0;
  documents.forEach((doc, i) => {
    if (i > 0) {
      parts.push(separator);
      length += separator.length;
    }
    const ids = tokenizer.encode(doc);
    parts.push(ids);
    length += ids.length;
  });
  const out = new Int32Array(length);
  let at = 0;
  for (const ids of parts) {
    out.set(ids, at);
    at += ids.length;
  }
  return out;
}

export function validateSplit(split: SplitFractions): void {
  const [a, b, c] = split;
  if (![a, b, c].every((f) => Number.isFinite(f) && f >= 0 && f <= 1)) throw new RangeError(`split fractions must be in [0, 1] (got ${split.join('/')})`);
  if (!(a > 0)) throw new RangeError('the train split cannot be empty');
  if (Math.abs(a + b + c - 1) > 1e-9) throw new RangeError(`split fractions must add up to 1 (got ${split.join(' + ')})`);
}

/** Contiguous train / validation / test views of `ids` (no copy). */
export function splitTokens(ids: Int32Array, split: SplitFractions = DEFAULT_SPLIT): TokenSplits {
  validateSplit(split);
  const n = ids.length;
  const trainEnd = Math.floor(n * split[0]);
  // A zero test fraction gives the rest to validation rather than losing ids to rounding.
  const valEnd = split[2] === 0 ? n : Math.min(n, Math.floor(n * (split[0] + split[1])));
  return { train: ids.subarray(0, trainEnd), validation: ids.subarray(trainEnd, valEnd), test: ids.subarray(valEnd) };
}

export function stepsPerEpoch(trainTokens: number, batch: number, seq: number): number {
  return Math.max(1, Math.ceil(trainTokens / (batch * seq)));
}

export interface TokenBatch {
  /** Row-major [batch, steps] inputs and next-token targets. */
  x: Int32Array;
  y: Int32Array;
  batch: number;
  steps: number;
}

/** Random windows of T+1 ids from the train split, drawn from a generator whose state can be saved. */
export class WindowSampler {
  private rng: SeededRandom;

  constructor(
    private readonly ids: Int32Array,
    readonly batch: number,
    readonly seq: number,
    seedOrState: { seed: number } | { state: number },
  ) {
    if (ids.length < seq + 1) {
      throw new RangeError(`the training split has ${ids.length} tokens; a window of seq + 1 = ${seq + 1} needs at least that many`);
    }
    this.rng = 'seed' in seedOrState ? new SeededRandom(seedOrState.seed) : SeededRandom.fromState(seedOrState.state);
  }

  /** The generator's state after the batches drawn so far. */
  get state(): number {
    return this.rng.state;
  }

  next(): TokenBatch {
    const { batch, seq, ids } = this;
    const x = new Int32Array(batch * seq);
    const y = new Int32Array(batch * seq);
    // Starts in [0, n − T − 1) like the peer's torch.randint(0, len − seq − 1); at least one start exists.
    const starts = Math.max(1, ids.length - seq - 1);
    for (let b = 0; b < batch; b++) {
      const s = this.rng.int(starts);
      x.set(ids.subarray(s, s + seq), b * seq);
      y.set(ids.subarray(s + 1, s + seq + 1), b * seq);
    }
    return { x, y, batch, steps: seq };
  }
}

export interface EvaluationPlan {
  streams: number;
  /** Positions per stream. */
  length: number;
  chunk: number;
}

/** How `evaluationBatches` reads a split of `n` ids: 0 streams when there is nothing to predict. */
export function evaluationPlan(n: number, streams: number, chunk: number, maxTokens = Infinity): EvaluationPlan {
  const positions = Math.max(0, Math.min(n - 1, Math.floor(maxTokens)));
  const s = Math.max(0, Math.min(streams, positions));
  return { streams: s, length: s > 0 ? Math.floor(positions / s) : 0, chunk };
}

/** The chunks of an evaluation in order: [streams, ≤ chunk] batches, stream s continuing from chunk to chunk. */
export function* evaluationBatches(ids: Int32Array, plan: EvaluationPlan): Generator<TokenBatch> {
  const { streams, length, chunk } = plan;
  for (let from = 0; from < length; from += chunk) {
    const steps = Math.min(chunk, length - from);
    const x = new Int32Array(streams * steps);
    const y = new Int32Array(streams * steps);
    for (let s = 0; s < streams; s++) {
      const start = s * length + from;
      x.set(ids.subarray(start, start + steps), s * steps);
      y.set(ids.subarray(start + 1, start + steps + 1), s * steps);
    }
    yield { x, y, batch: streams, steps };
  }
}
