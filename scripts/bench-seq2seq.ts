/**
 * Seq2seq benchmarks (docs/performance.md, "Seq2seq"). Run with tsx, one mode per invocation:
 *
 *   npx tsx scripts/bench-seq2seq.ts reverse [--min 5] [--max 12] [--hidden 128] [--attention luong] [--goal 0.95]
 *       learn to reverse random sequences of 5–12 symbols; stops at the goal exact-match rate on 500 held-out
 *       sequences (checked every 50 steps) or after --max-minutes (default 10)
 *   npx tsx scripts/bench-seq2seq.ts speed [--source 400] [--target 100] [--vocab 10000] [--batch 16] [--hidden 256]
 *       [--embed 128] [--attention luong] [--no-copy] [--coverage] [--steps 5] [--threads 1]
 *       training throughput on a synthetic batch of that shape (1 warm-up step, then --steps timed)
 *   npx tsx scripts/bench-seq2seq.ts latency --model DIR --pairs FILE [--words 400] [--beam 4] [--runs 5]
 *       summarization latency for articles of about --words words from FILE (load excluded)
 *   npx tsx scripts/bench-seq2seq.ts prepare [--data /work/shared/data] [--out /tmp/longhand-pairs] [--detokenize]
 *       write the benchmark pairs: <out>/bbc_news_summary/{train,validation,test}.jsonl (fixed split by id,
 *       src/text/pairs/bbc.ts), the same with the issue-13 test split in <out>/bbc_news_summary/mod10/, each with
 *       source-order/{train,validation}.jsonl (summaries in the article's order, to train on), and <out>/dailydialog/{train,validation,test}.jsonl (official split, deduplicated,
 *       src/text/pairs/dailydialog.ts); prints the counts and what deduplication removed
 *   npx tsx scripts/bench-seq2seq.ts autodiff [--source 100] [--target 30] [--vocab 2000] [--batch 16] [--hidden 128]
 *       one training step's gradients: the hand-written backward vs tf.variableGrads (plain, and with a
 *       tf.customGrad matMul whose gradient uses explicit transposes), same model and batch, on one layer,
 *       unidirectional Luong attention without copy; prints times and the largest gradient difference
 *
 * Every mode prints one JSON line (plus progress on stderr). --backend wasm|cpu (default wasm).
 */
import os from 'node:os';
import { initCompute } from '../src/compute/backend.js';
import { tf } from '../src/compute/tf.js';
import { loadSeq2seq, search, summarize } from '../src/generate/seq2seq/index.js';
import { Seq2seqSession } from '../src/generate/seq2seq/session.js';
import { makeBatch } from '../src/model/seq2seq/batch.js';
import type { EncodedPair } from '../src/model/seq2seq/codec.js';
import { Seq2seqModel } from '../src/model/seq2seq/model.js';
import type { Seq2seqBatch, Seq2seqConfig } from '../src/model/seq2seq/types.js';
import { Rng } from '../src/model/rng.js';
import { preparePairs, readPairsFile } from '../src/text/pairs/index.js';
import { Seq2seqTrainer } from '../src/train/seq2seq/step.js';
import { DataParallel } from '../src/train/parallel/coordinator.js';
import { seq2seqReplicaInit, seq2seqReplicaTrainer, seq2seqSplit } from '../src/train/parallel/seq2seqReplica.js';

const argv = process.argv.slice(2);
const mode = argv[0] ?? '';
const flag = (name: string): boolean => argv.includes(`--${name}`);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
};
const num = (name: string, fallback: number): number => Number(opt(name, String(fallback)));

await initCompute({ env: { ...process.env, LONGHAND_BACKEND: opt('backend', 'wasm') } });
await tf.ready();

function config(o: Partial<Seq2seqConfig> & { vocab: number }): Seq2seqConfig {
  const { vocab, ...rest } = o;
  return {
    sourceVocabSize: vocab,
    targetVocabSize: vocab,
    sharedEmbedding: true,
    embedDim: 128,
    hiddenSize: 256,
    layers: 1,
    bidirectional: true,
    attention: 'luong',
    luongScore: 'general',
    copy: false,
    coverage: false,
    dropout: 0,
    maxSourceLen: 400,
    maxTargetLen: 100,
    specials: { pad: 0, bos: 1, eos: 2, unk: 3 },
    sourceSpecials: { pad: 0, unk: 3 },
    ...rest,
  };
}

function randomPairs(count: number, source: number, target: number, vocab: number, seed: number, jitter = 0.1): EncodedPair[] {
  const rng = new Rng(seed);
  const len = (n: number) => Math.max(1, n - Math.floor(rng.next() * n * jitter));
  return Array.from({ length: count }, () => {
    const ids = Array.from({ length: len(source) }, () => 4 + Math.floor(rng.next() * (vocab - 4)));
    return { source: { ids, extended: ids, pieces: [], oovs: [], truncated: false }, target: Array.from({ length: len(target - 1) }, () => 4 + Math.floor(rng.next() * (vocab - 4))) };
  });
}

const load = () => Number(os.loadavg()[0]!.toFixed(2));
const print = (report: object) => process.stdout.write(`${JSON.stringify({ mode, backend: tf.getBackend(), load_avg_1m: load(), ...report })}\n`);

async function reverse(): Promise<void> {
  const [min, max, symbols] = [num('min', 5), num('max', 12), num('symbols', 10)];
  const c = config({ vocab: 4 + symbols, embedDim: num('embed', 32), hiddenSize: num('hidden', 128), attention: opt('attention', 'luong') as 'luong', bidirectional: flag('bidirectional'), maxSourceLen: max, maxTargetLen: max + 2 });
  const model = Seq2seqModel.init(c, 1);
  const trainer = new Seq2seqTrainer(model, { lr: num('lr', 3e-3), clipNorm: 5 });
  const rng = new Rng(7);
  const sequence = (): EncodedPair => {
    const n = min + Math.floor(rng.next() * (max - min + 1));
    const ids = Array.from({ length: n }, () => 4 + Math.floor(rng.next() * symbols));
    return { source: { ids, extended: ids, pieces: [], oovs: [], truncated: false }, target: [...ids].reverse() };
  };
  const heldOut = Array.from({ length: 500 }, sequence);
  const heldKeys = new Set(heldOut.map((p) => p.source.ids.join()));
  const exactMatch = () => {
    let exact = 0;
    for (const pair of heldOut) {
      const session = new Seq2seqSession(model, pair.source);
      const out = search(session, { strategy: 'greedy', maxLength: max + 2 });
      session.dispose();
      if (out.ids.join() === pair.target.join()) exact++;
    }
    return exact / heldOut.length;
  };
  const goal = num('goal', 0.95);
  const deadline = performance.now() + num('max-minutes', 10) * 60_000;
  const started = performance.now();
  let trainMs = 0;
  let tokens = 0;
  let step = 0;
  let exact = 0;
  while (performance.now() < deadline) {
    const pairs: EncodedPair[] = [];
    while (pairs.length < 32) {
      const p = sequence();
      if (!heldKeys.has(p.source.ids.join())) pairs.push(p);
    }
    const t0 = performance.now();
    tokens += trainer.step(makeBatch(pairs, c)).tokens;
    trainMs += performance.now() - t0;
    step++;
    if (step % 50 === 0) {
      exact = exactMatch();
      process.stderr.write(`step ${step}: exact match ${exact.toFixed(3)}, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
      if (exact >= goal) break;
    }
  }
  print({ min, max, symbols, hidden: c.hiddenSize, attention: c.attention, steps: step, exact_match: exact, reached: exact >= goal, seconds: Math.round((performance.now() - started) / 1000), train_target_tokens_per_s: Math.round(tokens / (trainMs / 1000)) });
  trainer.dispose();
  model.dispose();
}

async function speed(): Promise<void> {
  const [source, target, vocab, batchSize] = [num('source', 400), num('target', 100), num('vocab', 10_000), num('batch', 16)];
  const c = config({ vocab, embedDim: num('embed', 128), hiddenSize: num('hidden', 256), attention: opt('attention', 'luong') as 'luong', copy: !flag('no-copy'), coverage: flag('coverage'), bidirectional: !flag('unidirectional'), dropout: 0.1, maxSourceLen: source, maxTargetLen: target });
  const model = Seq2seqModel.init(c, 1);
  const trainer = new Seq2seqTrainer(model, { lr: 1e-3, clipNorm: 2 });
  const batch = makeBatch(randomPairs(batchSize, source, target, vocab, 1), c);
  // --threads N: data-parallel replicas (src/train/parallel), the batch split across them.
  const threads = num('threads', 1);
  const parallel =
    threads > 1 ? await DataParallel.start(seq2seqReplicaTrainer(trainer), seq2seqReplicaInit(trainer, { lr: 1e-3, clip: 2, seed: 0, coverageWeight: 1 }), seq2seqSplit, threads) : null;
  const batchTokens = batch.targetLengths.reduce((a, b) => a + b, 0);
  const step = async () => {
    if (parallel) await parallel.step(batch, 1e-3);
    else trainer.step(batch);
    return batchTokens;
  };
  await step();
  const steps = num('steps', 5);
  let tokens = 0;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) tokens += await step();
  const ms = (performance.now() - t0) / steps;
  await parallel?.stop();
  const sourceTokens = batch.sourceLengths.reduce((a, b) => a + b, 0);
  print({
    config: { source, target, vocab, batch: batchSize, threads, embed: c.embedDim, hidden: c.hiddenSize, attention: c.attention, copy: c.copy, coverage: c.coverage, bidirectional: c.bidirectional },
    ms_per_step: Math.round(ms),
    target_tokens_per_s: Math.round(tokens / steps / (ms / 1000)),
    source_and_target_tokens_per_s: Math.round((tokens / steps + sourceTokens) / (ms / 1000)),
  });
  trainer.dispose();
  model.dispose();
}

async function latency(): Promise<void> {
  const handle = await loadSeq2seq(opt('model', ''));
  const words = num('words', 400);
  const pairs = await readPairsFile(opt('pairs', ''));
  const count = (s: string) => s.split(/\s+/).filter(Boolean).length;
  const articles = pairs.map((p) => p.source).sort((a, b) => Math.abs(count(a) - words) - Math.abs(count(b) - words)).slice(0, num('runs', 5));
  const beam = num('beam', 4);
  summarize(handle, articles[0]!, { beam });
  const times: number[] = [];
  let outTokens = 0;
  for (const article of articles) {
    const t0 = performance.now();
    const s = summarize(handle, article, { beam, ...(argv.includes('--min-length') ? { minLength: num('min-length', 0) } : {}) });
    times.push(performance.now() - t0);
    outTokens += s.summaryTokens.length;
  }
  times.sort((a, b) => a - b);
  print({ words: articles.map(count), beam, source_tokens_read: handle.model.config.maxSourceLen, mean_summary_tokens: outTokens / articles.length, median_ms: Math.round(times[Math.floor(times.length / 2)]!), all_ms: times.map(Math.round) });
  handle.dispose();
}

/** The same loss as the hand-written pass (one layer, unidirectional, Luong general, no copy), on tf ops. */
function autodiffLoss(model: Seq2seqModel, b: Seq2seqBatch, mm: (a: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D): tf.Scalar {
  const w = model.weights;
  const { batch: B, sourceLen: S, targetLen: T } = b;
  const H = model.config.hiddenSize;
  const V = model.config.targetVocabSize;
  // Embedding rows as one-hot · E: wasm has no gradient kernel for gather.
  const embed = (ids: Int32Array, steps: number, t: number) =>
    mm(tf.oneHot(tf.tensor1d(Array.from({ length: B }, (_, i) => ids[i * steps + t]!), 'int32'), V).toFloat() as tf.Tensor2D, w['embedding'] as tf.Tensor2D);
  const cell = (x: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D, kernel: tf.Tensor2D, recurrent: tf.Tensor2D, bias: tf.Tensor) => {
    const z = tf.add(tf.add(mm(x, kernel), mm(h, recurrent)), bias);
    const [i, f, g, o] = tf.split(z, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const cNew: tf.Tensor2D = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    return { h: tf.mul(tf.sigmoid(o), tf.tanh(cNew)) as tf.Tensor2D, c: cNew };
  };
  let h: tf.Tensor2D = tf.zeros([B, H]);
  let c: tf.Tensor2D = tf.zeros([B, H]);
  const outs: tf.Tensor2D[] = [];
  for (let t = 0; t < S; t++) {
    const x = embed(b.source, S, t);
    const next = cell(x, h, c, w['encoder.0.fw.kernel'] as tf.Tensor2D, w['encoder.0.fw.recurrent'] as tf.Tensor2D, w['encoder.0.fw.bias']!);
    const m = tf.tensor2d(Array.from({ length: B }, (_, i) => (t < b.sourceLengths[i]! ? 1 : 0)), [B, 1]);
    h = tf.add(h, tf.mul(m, tf.sub(next.h, h)));
    c = tf.add(c, tf.mul(m, tf.sub(next.c, c)));
    outs.push(h);
  }
  const memory = tf.stack(outs, 1) as tf.Tensor3D;
  const maskBias = tf.tensor2d(Array.from({ length: B * S }, (_, k) => (k % S < b.sourceLengths[Math.floor(k / S)]! ? 0 : -1e9)), [B, S]);
  h = tf.tanh(tf.add<tf.Tensor2D>(mm(h, w['bridge.0.h.kernel'] as tf.Tensor2D), w['bridge.0.h.bias']!));
  c = tf.add<tf.Tensor2D>(mm(c, w['bridge.0.c.kernel'] as tf.Tensor2D), w['bridge.0.c.bias']!);
  let feed: tf.Tensor2D = tf.zeros([B, H]);
  const htildes: tf.Tensor2D[] = [];
  const kernel = w['decoder.0.kernel'] as tf.Tensor2D;
  for (let t = 0; t < T; t++) {
    const e = embed(b.decoderInput, T, t);
    const next = cell(tf.concat([e, feed], 1), h, c, kernel, w['decoder.0.recurrent'] as tf.Tensor2D, w['decoder.0.bias']!);
    h = next.h;
    c = next.c;
    const q = mm(h, w['attention.query'] as tf.Tensor2D);
    const alpha = tf.softmax(tf.add(tf.reshape(tf.matMul(memory, tf.reshape(q, [B, H, 1])), [B, S]), maskBias));
    const ctx = tf.reshape(tf.matMul(tf.reshape(alpha, [B, 1, S]), memory), [B, H]) as tf.Tensor2D;
    feed = tf.tanh(tf.add<tf.Tensor2D>(tf.add(mm(ctx, w['output.context'] as tf.Tensor2D), mm(h, w['output.state'] as tf.Tensor2D)), w['output.bias']!));
    htildes.push(feed);
  }
  const logits = tf.add(mm(tf.concat(htildes, 0), w['projection.kernel'] as tf.Tensor2D), w['projection.bias']!);
  // Time-major rows; padding masked out of the one-hot labels.
  const labels: number[] = [];
  const mask: number[] = [];
  let count = 0;
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < B; i++) {
      const real = t < b.targetLengths[i]!;
      labels.push(real ? b.labels[i * T + t]! : 0);
      mask.push(real ? 1 : 0);
      if (real) count++;
    }
  }
  const target = tf.mul(tf.oneHot(tf.tensor1d(labels, 'int32'), V), tf.tensor2d(mask, [T * B, 1]));
  const picked = tf.sum(tf.mul(tf.logSoftmax(logits), target));
  return tf.div(tf.neg(picked), count) as tf.Scalar;
}

/** matMul whose gradient uses explicit transposes and plain matMuls (wasm's transposed matMul is slow). */
const customMatMul = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(dy as tf.Tensor2D, tf.transpose(saved[1]!)), tf.matMul(tf.transpose(saved[0]!), dy as tf.Tensor2D)],
  };
}) as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

async function autodiff(): Promise<void> {
  const [source, target, vocab, batchSize] = [num('source', 100), num('target', 30), num('vocab', 2000), num('batch', 16)];
  const c = config({ vocab, embedDim: num('embed', 64), hiddenSize: num('hidden', 128), bidirectional: false, maxSourceLen: source, maxTargetLen: target });
  const model = Seq2seqModel.init(c, 1);
  const batch = makeBatch(randomPairs(batchSize, source, target, vocab, 2), c);
  const time = (fn: () => void, runs = num('runs', 3)) => {
    fn();
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) fn();
    return Math.round((performance.now() - t0) / runs);
  };
  const hand = model.lossAndGrads(batch);
  const handMs = time(() => tf.dispose(Object.values(model.lossAndGrads(batch).grads)));
  const variables = model.variables();
  const grads = (mm: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D) => tf.variableGrads(() => autodiffLoss(model, batch, mm), variables);
  const plain = grads((a, b) => tf.matMul(a, b));
  let worst = 0;
  for (const name of model.names()) {
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(hand.grads[name]!, plain.grads[model.weights[name]!.name]!))).dataSync()[0]!);
    worst = Math.max(worst, d);
  }
  const release = (g: { value: tf.Scalar; grads: Record<string, tf.Tensor> }) => tf.dispose([g.value, ...Object.values(g.grads)]);
  release(plain);
  const plainMs = time(() => release(grads((a, b) => tf.matMul(a, b))));
  const customMs = time(() => release(grads(customMatMul)));
  tf.dispose(Object.values(hand.grads));
  print({ config: { source, target, vocab, batch: batchSize, embed: c.embedDim, hidden: c.hiddenSize }, hand_written_ms: handMs, variable_grads_ms: plainMs, variable_grads_custom_matmul_ms: customMs, max_grad_diff: worst, loss: hand.loss });
  model.dispose();
}

async function prepare(): Promise<void> {
  const out = opt('out', '/tmp/longhand-pairs');
  const { bbc, dailyDialog } = await preparePairs(opt('data', '/work/shared/data'), out, { dailyDialog: { detokenize: flag('detokenize') } });
  print({ out, bbc, dailyDialog });
}

const modes: Record<string, () => Promise<void>> = { reverse, speed, latency, autodiff, prepare };
const run = modes[mode];
if (!run) {
  process.stderr.write(`usage: npx tsx scripts/bench-seq2seq.ts ${Object.keys(modes).join('|')} [options] (see the header of this file)\n`);
  process.exitCode = 2;
} else {
  await run();
}
