/**
 * Training data for seq2seq runs: pairs from a JSONL/TSV file (src/text/pairs reads and refuses it), from a
 * separate validation file, or given directly (pairs mined from a writer's documents, passed by the service);
 * the validation split by a hash of each pair's id when no validation file is given; and shuffled batches
 * (random, or length-bucketed) whose order depends only on (seed, epoch), so a resumed run draws the same batches.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { combineSeeds } from '../../model/rng.js';
import type { TargetLength } from '../../model/seq2seq/checkpoint.js';
import type { EncodedPair, Seq2seqCodec } from '../../model/seq2seq/codec.js';
import { type Pair, readPairsFile, splitOf } from '../../text/pairs/index.js';
import { SetupError } from '../errors.js';
import { SeededRandom } from '../random.js';

/** Where a run's pairs come from. */
export type Seq2seqPairsSource =
  | { kind: 'file'; path: string; validPath?: string }
  /** Pairs handed over in memory (mined from documents); `label` names them in the run. */
  | { kind: 'pairs'; label: string; pairs: readonly Pair[]; validation?: readonly Pair[] };

export interface LoadedPairs {
  train: Pair[];
  validation: Pair[];
  /** sha256 of the pairs (train and validation), to refuse resuming on changed data. */
  sha256: string;
}

export async function loadPairs(source: Seq2seqPairsSource, validationFraction: number): Promise<LoadedPairs> {
  let all: Pair[];
  let validation: Pair[] | null = null;
  if (source.kind === 'file') {
    const file = path.resolve(source.path);
    all = await readPairsFile(file);
    if (source.validPath) validation = await readPairsFile(path.resolve(source.validPath));
  } else {
    all = [...source.pairs];
    if (source.validation) validation = [...source.validation];
  }
  if (all.length === 0) throw new SetupError('there are no pairs to train on');
  let train: Pair[];
  if (validation) {
    train = all;
  } else if (validationFraction > 0) {
    const fractions = { train: 1 - validationFraction, validation: validationFraction, test: 0 };
    train = [];
    validation = [];
    all.forEach((pair, i) => (splitOf(pair.id ?? `line:${i + 1}`, fractions) === 'train' ? train : validation!).push(pair));
    if (train.length === 0) [train, validation] = [validation, []];
  } else {
    train = all;
    validation = [];
  }
  const hash = createHash('sha256');
  for (const p of [...train, ...validation]) hash.update(`${p.source}\t${p.target}\n`);
  return { train, validation, sha256: hash.digest('hex') };
}

/**
 * The median of target tokens per source token over `pairs`, in the codec's tokens and neither side cut (a
 * checkpoint's TargetLength), or null when no pair has a source token.
 */
export function targetLengthOf(codec: Seq2seqCodec, pairs: readonly Pair[]): TargetLength | null {
  const ratios: number[] = [];
  for (const pair of pairs) {
    const source = codec.pieces(pair.source, 'source').length;
    if (source > 0) ratios.push(codec.pieces(pair.target, 'target').length / source);
  }
  if (ratios.length === 0) return null;
  ratios.sort((a, b) => a - b);
  const mid = ratios.length >> 1;
  const median = ratios.length % 2 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
  return median > 0 ? { perSourceToken: median } : null;
}

/** Pairs as token ids; pairs whose source has no tokens are dropped (counted in `dropped`). */
export function encodePairs(codec: Seq2seqCodec, pairs: readonly Pair[], maxSource: number, maxTarget: number, copy: boolean): { encoded: EncodedPair[]; kept: Pair[]; dropped: number } {
  const encoded: EncodedPair[] = [];
  const kept: Pair[] = [];
  let dropped = 0;
  for (const pair of pairs) {
    const e = codec.encodePair(pair, maxSource, maxTarget, copy);
    if (e.source.ids.length === 0) {
      dropped++;
      continue;
    }
    encoded.push(e);
    kept.push(pair);
  }
  return { encoded, kept, dropped };
}

export interface BatcherState {
  epoch: number;
  /** Batches of `epoch` already drawn. */
  index: number;
}

/**
 * Each epoch shuffles the examples and cuts them into batches; the order is a function of (seed, epoch) only.
 * Random batches (the default) mix lengths as the data does. With `lengthBuckets`, pools of 32 batches are
 * sorted by length before they are cut and the batches shuffled: less padding, but now and then a batch of
 * only the longest pairs, whose loss and gradient jump (that made the loss spikes of the reverse task:
 * docs/performance.md, "Training that survives").
 */
export class BucketBatcher {
  private plan: number[][] = [];
  private planEpoch = -1;
  private position: BatcherState;

  constructor(
    private readonly examples: readonly EncodedPair[],
    private readonly batch: number,
    private readonly seed: number,
    state: BatcherState = { epoch: 0, index: 0 },
    private readonly lengthBuckets = false,
  ) {
    if (examples.length === 0) throw new Error('no training pairs');
    this.position = { ...state };
  }

  get batchesPerEpoch(): number {
    return Math.ceil(this.examples.length / this.batch);
  }

  get state(): BatcherState {
    return { ...this.position };
  }

  next(): EncodedPair[] {
    if (this.position.index >= this.batchesPerEpoch) this.position = { epoch: this.position.epoch + 1, index: 0 };
    if (this.planEpoch !== this.position.epoch) {
      this.plan = this.makePlan(this.position.epoch);
      this.planEpoch = this.position.epoch;
    }
    const ids = this.plan[this.position.index]!;
    this.position.index++;
    return ids.map((i) => this.examples[i]!);
  }

  private makePlan(epoch: number): number[][] {
    const rng = new SeededRandom(combineSeeds(this.seed, epoch, 0xba7c));
    const order = shuffle(
      Array.from(this.examples.keys()),
      rng,
    );
    const pool = this.lengthBuckets ? this.batch * 32 : order.length;
    const batches: number[][] = [];
    for (let start = 0; start < order.length; start += pool) {
      const part = order.slice(start, start + pool);
      if (this.lengthBuckets) part.sort((a, b) => this.examples[a]!.source.ids.length - this.examples[b]!.source.ids.length || this.examples[a]!.target.length - this.examples[b]!.target.length);
      for (let i = 0; i < part.length; i += this.batch) batches.push(part.slice(i, i + this.batch));
    }
    return shuffle(batches, rng);
  }
}

function shuffle<T>(items: T[], rng: SeededRandom): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Fixed evaluation batches (sorted by length) covering at most `maxTokens` target tokens, when given. */
export function evaluationBatches(examples: readonly EncodedPair[], batch: number, maxTokens?: number): EncodedPair[][] {
  const chosen: EncodedPair[] = [];
  let tokens = 0;
  for (const e of examples) {
    if (maxTokens !== undefined && tokens >= maxTokens) break;
    chosen.push(e);
    tokens += e.target.length + 1;
  }
  chosen.sort((a, b) => a.source.ids.length - b.source.ids.length);
  const out: EncodedPair[][] = [];
  for (let i = 0; i < chosen.length; i += batch) out.push(chosen.slice(i, i + batch));
  return out;
}
