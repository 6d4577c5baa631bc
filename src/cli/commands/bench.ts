/**
 * `longhand bench`: training throughput and generation latency of the language model on synthetic data,
 * the same measurement as the PyTorch peer (/work/shared/peer/torch_charlstm.py speed): Adam with clipping on
 * one random batch repeated, after a warm-up step; then stateful single-token generation at batch 1 with a
 * softmax per token. `--impl layers` runs the same model built from tf.layers (one-hot input → dense
 * embedding, since wasm lacks the embedding gradient kernel) for comparison.
 */
import os from 'node:os';
import type { Command } from 'commander';
import type { tf as TfType } from '../../compute/tf.js';
import { type CellKind, DEFAULT_RECURRENT_ACTIVATION, type LanguageModelConfig, RECURRENT_ACTIVATIONS, type RecurrentActivation } from '../../model/types.js';
import { CliError, type CliIo } from '../io.js';
import { useBackend } from '../compute.js';
import type { Register } from '../io.js';

interface BenchOptions {
  vocab: string;
  embed: string;
  hidden: string;
  layers: string;
  seq: string;
  batch: string;
  steps: string;
  genTokens: string;
  cell: string;
  recurrentActivation?: string;
  impl: string;
  backend: string;
  lr: string;
  clip: string;
  threads: string;
  json?: boolean;
}

export interface BenchReport {
  backend: string;
  impl: 'longhand' | 'layers';
  config: LanguageModelConfig & { seq: number; batch: number; steps: number; genTokens: number; lr: number; clip: number; threads: number };
  /** Model replicas training did run on (fewer than threads for a small batch, 1 on tfjs-node: see src/train/parallel). */
  replicas: number;
  train_tokens_per_s: number;
  gen_ms_per_token: number;
  train_ms_per_step: number;
  /** 1-minute load average when the run ended: this machine is shared, so figures are only comparable
   * between runs made under similar load. */
  load_avg_1m: number;
}

const BACKENDS = ['wasm', 'cpu', 'auto', 'tfjs-node', 'tfjs-node-gpu'];
/** Untimed generation steps first: V8 needs a few hundred calls to optimise the per-token JS. */
const GEN_WARMUP = 300;

export const registerBench: Register = (program: Command, io: CliIo, setExit) => {
  program
    .command('bench')
    .description('Measure training tokens/s and generation ms/token on synthetic data.')
    .option('--vocab <n>', 'vocabulary size', '65')
    .option('--embed <n>', 'embedding size', '64')
    .option('--hidden <n>', 'hidden units per layer', '256')
    .option('--layers <n>', 'recurrent layers', '1')
    .option('--seq <n>', 'sequence length', '64')
    .option('--batch <n>', 'batch size', '32')
    .option('--steps <n>', 'timed training steps', '20')
    .option('--gen-tokens <n>', 'timed generation tokens', '500')
    .option('--cell <kind>', 'lstm or gru', 'lstm')
    .option('--recurrent-activation <name>', 'gate activation: sigmoid or hard_sigmoid (default: the cell\'s, sigmoid for lstm, hard_sigmoid for gru)')
    .option('--impl <impl>', 'longhand (this engine) or layers (tf.layers, for comparison)', 'longhand')
    .option('--backend <name>', `compute backend: ${BACKENDS.join(', ')}`, 'wasm')
    .option('--lr <x>', 'Adam learning rate', '0.002')
    .option('--clip <x>', 'gradient clipping norm (0: none)', '5')
    .option('--threads <n>', 'training threads: data-parallel model replicas on wasm and cpu (generation is timed on one)', '1')
    .option('--json', 'print one JSON object')
    .action(async (options: BenchOptions) => {
      const report = await runBench(options, io);
      io.out(options.json ? `${JSON.stringify(report)}\n` : formatBench(report));
      setExit(0);
    });
};

async function runBench(options: BenchOptions, io: CliIo): Promise<BenchReport> {
  const int = (name: string, value: string, min = 1) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new CliError(`--${name} must be an integer ≥ ${min} (got ${value})`);
    return n;
  };
  const num = (name: string, value: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new CliError(`--${name} must be a non-negative number (got ${value})`);
    return n;
  };
  if (options.cell !== 'lstm' && options.cell !== 'gru') throw new CliError(`--cell must be lstm or gru (got ${options.cell})`);
  const gates = options.recurrentActivation ?? DEFAULT_RECURRENT_ACTIVATION[options.cell];
  if (!RECURRENT_ACTIVATIONS.includes(gates as RecurrentActivation)) {
    throw new CliError(`--recurrent-activation must be ${RECURRENT_ACTIVATIONS.join(' or ')} (got ${gates})`);
  }
  if (options.impl !== 'longhand' && options.impl !== 'layers') throw new CliError(`--impl must be longhand or layers (got ${options.impl})`);
  if (!BACKENDS.includes(options.backend)) throw new CliError(`--backend must be one of ${BACKENDS.join(', ')} (got ${options.backend})`);
  const config = {
    vocabSize: int('vocab', options.vocab, 2),
    embedDim: int('embed', options.embed),
    hiddenSize: int('hidden', options.hidden),
    layers: int('layers', options.layers),
    cell: options.cell as CellKind,
    recurrentActivation: gates as RecurrentActivation,
    dropout: 0,
    seq: int('seq', options.seq),
    batch: int('batch', options.batch),
    steps: int('steps', options.steps),
    genTokens: int('gen-tokens', options.genTokens),
    lr: num('lr', options.lr),
    clip: num('clip', options.clip),
    threads: int('threads', options.threads),
  };
  if (config.threads > 256) throw new CliError(`--threads must be at most 256 (got ${config.threads})`);
  if (!(config.lr > 0)) throw new CliError('--lr must be positive');
  const tf = await useBackend(options.backend, io);
  const measure = options.impl === 'longhand' ? benchLonghand : benchLayers;
  if (options.impl === 'layers' && config.threads > 1) throw new CliError('--threads applies to --impl longhand only');
  const { trainMs, genMs, replicas } = await measure(tf, config);
  // tf.layers' optimizers have no gradient clipping: say so rather than report a clip that was not applied.
  if (options.impl === 'layers') config.clip = 0;
  return {
    backend: tf.getBackend(),
    impl: options.impl,
    config,
    replicas,
    train_tokens_per_s: Math.round((config.batch * config.seq) / (trainMs / 1000)),
    gen_ms_per_token: Number(genMs.toFixed(4)),
    train_ms_per_step: Number(trainMs.toFixed(1)),
    load_avg_1m: Number(os.loadavg()[0]!.toFixed(2)),
  };
}

type Config = BenchReport['config'];

async function benchLonghand(tf: typeof TfType, config: Config): Promise<{ trainMs: number; genMs: number; replicas: number }> {
  const { LanguageModel } = await import('../../model/languageModel.js');
  const { createTrainer } = await import('../../train/lm/step.js');
  const { dataParallelLm, replicaPlan } = await import('../../train/parallel/coordinator.js');
  const model = LanguageModel.init(config, 0);
  const trainer = createTrainer(model, { optimizer: 'adam', lr: config.lr, clipNorm: config.clip });
  const [x, y] = syntheticBatch(tf, config);
  const { replicas } = replicaPlan(config.threads, config.batch);
  const parallel = replicas > 1 ? await dataParallelLm(trainer, replicas, { lr: config.lr, clip: config.clip, seed: 0 }) : null;
  const tokens = { x: x.dataSync() as Int32Array, y: y.dataSync() as Int32Array, batch: config.batch, steps: config.seq };
  const step = async () => {
    if (parallel) await parallel.step(tokens, config.lr);
    else trainer.step(x, y);
  };
  try {
    await step(); // warm-up: first use of every kernel and weight packing (and of every replica's)
    const start = performance.now();
    for (let i = 0; i < config.steps; i++) await step();
    const trainMs = (performance.now() - start) / config.steps;

    let state = model.zeroState(1);
    const token = () => {
      const out = model.step([0], state);
      tf.dispose(state.flatMap((s) => (s.c ? [s.h, s.c] : [s.h])));
      state = out.state;
      const probs = tf.softmax(out.logits);
      probs.dataSync();
      tf.dispose([probs, out.logits]);
    };
    for (let i = 0; i < GEN_WARMUP; i++) token();
    const genStart = performance.now();
    for (let i = 0; i < config.genTokens; i++) token();
    const genMs = (performance.now() - genStart) / config.genTokens;
    tf.dispose(state.flatMap((s) => (s.c ? [s.h, s.c] : [s.h])));
    return { trainMs, genMs, replicas };
  } finally {
    await parallel?.stop();
    tf.dispose([x, y]);
    trainer.dispose();
    model.dispose();
  }
}

/** The same model from tf.layers: one-hot → dense (embedding) → lstm|gru × L → dense softmax. */
async function benchLayers(tf: typeof TfType, config: Config): Promise<{ trainMs: number; genMs: number; replicas: number }> {
  const { vocabSize: v, embedDim: e, hiddenSize: h } = config;
  const build = (batch: number | null, steps: number | null, stateful: boolean) => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: e, useBias: false, batchInputShape: [batch, steps, v] }));
    for (let l = 0; l < config.layers; l++) {
      // glorotUniform instead of the default orthogonal: initial values do not matter for timing, and tfjs'
      // orthogonal initializer is slow and warns on big matrices.
      const recurrentActivation = config.recurrentActivation === 'hard_sigmoid' ? ('hardSigmoid' as const) : ('sigmoid' as const);
      const args = { units: h, returnSequences: true, stateful, recurrentActivation, recurrentInitializer: 'glorotUniform' as const };
      model.add(config.cell === 'lstm' ? tf.layers.lstm(args) : tf.layers.gru(args));
    }
    model.add(tf.layers.dense({ units: v, activation: 'softmax' }));
    return model;
  };
  const train = build(null, config.seq, false);
  train.compile({ optimizer: tf.train.adam(config.lr), loss: 'categoricalCrossentropy' });
  const [x, y] = syntheticBatch(tf, config);
  const xs = tf.oneHot(x, v).toFloat();
  const ys = tf.oneHot(y, v).toFloat();
  const gen = build(1, 1, true);
  try {
    await train.trainOnBatch(xs, ys);
    const start = performance.now();
    for (let i = 0; i < config.steps; i++) await train.trainOnBatch(xs, ys);
    const trainMs = (performance.now() - start) / config.steps;

    gen.setWeights(train.getWeights());
    const input = tf.oneHot(tf.tensor2d([[0]], [1, 1], 'int32'), v).toFloat();
    const token = () => tf.tidy(() => (gen.predict(input) as TfType.Tensor).dataSync());
    for (let i = 0; i < GEN_WARMUP; i++) token();
    const genStart = performance.now();
    for (let i = 0; i < config.genTokens; i++) token();
    const genMs = (performance.now() - genStart) / config.genTokens;
    input.dispose();
    return { trainMs, genMs, replicas: 1 };
  } finally {
    tf.dispose([x, y, xs, ys]);
    train.dispose();
    gen.dispose();
  }
}

/** One random batch of ids (seeded, like the peer's torch.randint with seed 0 — not the same numbers). */
function syntheticBatch(tf: typeof TfType, config: Config): [TfType.Tensor2D, TfType.Tensor2D] {
  let seed = 12345;
  const next = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const make = () =>
    tf.tensor2d(
      Int32Array.from({ length: config.batch * config.seq }, () => Math.floor(next() * config.vocabSize)),
      [config.batch, config.seq],
      'int32',
    );
  return [make(), make()];
}

function formatBench(r: BenchReport): string {
  const c = r.config;
  return [
    `bench: ${r.impl} ${c.cell} (${c.recurrentActivation ?? DEFAULT_RECURRENT_ACTIVATION[c.cell]} gates) on ${r.backend} — vocab ${c.vocabSize}, embed ${c.embedDim}, hidden ${c.hiddenSize} × ${c.layers}, batch ${c.batch} × seq ${c.seq}`,
    `  training:   ${r.train_tokens_per_s} tokens/s (${r.train_ms_per_step} ms/step over ${c.steps} steps, ${r.replicas} ${r.replicas === 1 ? 'thread' : 'threads'})`,
    `  generation: ${r.gen_ms_per_token} ms/token (batch 1, ${c.genTokens} tokens)`,
    `  load average (1 min): ${r.load_avg_1m}`,
    '',
  ].join('\n');
}
