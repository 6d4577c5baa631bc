/**
 * `longhand train seq2seq --pairs FILE [settings] [budget]`: trains a summarizer or dialogue model on sequence
 * pairs (JSONL or TSV), as a `seq2seq` run in the store; `longhand train seq2seq --resume RUN` continues an
 * interrupted one. Registered on the `train` command of ./train.ts (its shared --resume, --out, --json and
 * --backend options apply). Also the helpers the seq2seq commands share (summarize, reply, eval): loading
 * `--model DIR|RUN` and reading `--input FILE|-`.
 * Exit codes as `train lm`: 0 finished, 1 failed, 2 usage, 130 cancelled, 143 interrupted.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import type { Seq2seqHandle } from '../../generate/seq2seq/index.js';
import { openStore, resolveDataDir } from '../../store/index.js';
import { type Seq2seqTrainingConfig, defaultSeq2seqConfig, resolveSeq2seqConfig } from '../../train/seq2seq/config.js';
import { INTERRUPT, type Budget, type TrainingProgress } from '../../train/task.js';
import type { TrainingResult } from '../../train/trainLanguageModel.js';
import { CliError, type CliIo } from '../io.js';
import { fraction, nonNegative, positiveInt as int, positiveNumber as positive, useBackend } from '../options.js';

export { int, nonNegative, useBackend };
import type { Register } from '../main.js';
import { trainCommand } from './train.js';

interface Seq2seqCliOptions {
  pairs?: string;
  valid?: string;
  task: 'summarize' | 'dialogue';
  name?: string;
  attention?: 'bahdanau' | 'luong';
  luongScore?: 'general' | 'dot';
  copy?: boolean;
  coverage?: boolean;
  coverageWeight?: number;
  level?: 'word' | 'char' | 'bpe';
  vocabSize?: number;
  sharedVocab?: boolean;
  embed?: number;
  hidden?: number;
  layers?: number;
  bidirectional?: boolean;
  maxSource?: number;
  maxTarget?: number;
  batch?: number;
  lr?: number;
  warmup?: number;
  dropout?: number;
  clip?: number;
  steps?: number;
  epochs?: number;
  minutes?: number;
  validFraction?: number;
  evalEvery?: number;
  sampleEvery?: number;
  patience?: number;
  seed?: number;
}

interface Shared {
  resume?: number;
  out?: string;
  json?: boolean;
  backend: string;
}

export const registerTrainSeq2seq: Register = (program, io, setExit) => {
  const budget = (flag: string, key: 'steps' | 'epochs' | 'minutes', text: string, parse: (v: string) => number) =>
    new Option(flag, text).argParser(parse).conflicts(['steps', 'epochs', 'minutes'].filter((k) => k !== key));
  const s = defaultSeq2seqConfig('summarize');
  const d = defaultSeq2seqConfig('dialogue');
  trainCommand(program)
    .command('seq2seq')
    .description('train a summarizer or dialogue model (encoder–decoder LSTM with attention) on sequence pairs')
    .option('--pairs <file>', 'pairs to train on: JSONL ({"source","target"} per line) or TSV (source<TAB>target)')
    .option('--valid <file>', 'validation pairs (default: a hashed share of --pairs)')
    .addOption(new Option('--task <task>', 'what the model is for (sets the defaults)').choices(['summarize', 'dialogue']).default('summarize'))
    .option('--name <name>', 'run name')
    .addOption(new Option('--attention <kind>', `additive or multiplicative attention (default ${s.attention})`).choices(['bahdanau', 'luong']))
    .addOption(new Option('--luong-score <score>', `Luong score (default ${s.luongScore})`).choices(['general', 'dot']))
    .option('--copy', 'pointer-generator: copy source words, unknown ones too (default: on for summarize)')
    .option('--no-copy', 'no copying')
    .option('--coverage', 'coverage attention and loss (See et al. 2017)')
    .option('--coverage-weight <x>', `λ of the coverage loss (default ${s.coverageWeight})`, nonNegative)
    .addOption(new Option('--level <level>', `tokens (default ${s.level})`).choices(['word', 'char', 'bpe']))
    .option('--vocab-size <n>', 'vocabulary cap for word and bpe', (v) => int(v, 8))
    .option('--no-shared-vocab', 'separate source and target vocabularies')
    .option('--embed <n>', `embedding size (default ${s.embed})`, (v) => int(v))
    .option('--hidden <n>', `hidden units (default ${s.hidden})`, (v) => int(v))
    .option('--layers <n>', `LSTM layers in the encoder and the decoder (default ${s.layers})`, (v) => int(v))
    .option('--bidirectional', 'bidirectional encoder (the default)')
    .option('--no-bidirectional', 'one-directional encoder')
    .option('--max-source <n>', `source tokens read (default ${s.maxSourceLen} summarize, ${d.maxSourceLen} dialogue)`, (v) => int(v))
    .option('--max-target <n>', `target tokens (default ${s.maxTargetLen} summarize, ${d.maxTargetLen} dialogue)`, (v) => int(v))
    .option('--batch <n>', `pairs per step (default ${s.batch} summarize, ${d.batch} dialogue)`, (v) => int(v))
    .option('--lr <x>', `peak learning rate (default ${s.lr})`, positive)
    .option('--warmup <n>', `warm-up steps (default ${s.warmupSteps})`, (v) => int(v, 0))
    .option('--dropout <x>', `dropout (default ${s.dropout})`, fraction)
    .option('--clip <x>', `gradient-norm clipping, 0 for none (default ${s.clip})`, nonNegative)
    .addOption(budget('--steps <n>', 'steps', 'train for this many steps', (v) => int(v)))
    .addOption(budget('--epochs <n>', 'epochs', 'train for this many epochs', positive))
    .addOption(budget('--minutes <m>', 'minutes', `train for this many minutes (default ${(s.budget as { minutes: number }).minutes})`, positive))
    .option('--valid-fraction <x>', `validation share when there is no --valid file (default ${s.validationFraction})`, fraction)
    .option('--eval-every <n>', `validate every n steps (default ${s.evalEvery})`, (v) => int(v, 0))
    .option('--sample-every <n>', `show a sample every n steps, 0 never (default ${s.sampleEvery})`, (v) => int(v, 0))
    .option('--patience <n>', `stop after n validations without improvement, 0 never (default ${s.patience})`, (v) => int(v, 0))
    .option('--seed <n>', `random seed (default ${s.seed})`, (v) => int(v, 0))
    .action(async (opts: Seq2seqCliOptions, cmd: Command) => {
      const shared = cmd.optsWithGlobals<Shared & Seq2seqCliOptions>();
      if (shared.resume === undefined && opts.pairs === undefined) throw new CliError('give the pairs to train on: --pairs FILE', 2);
      await runSeq2seqTraining(io, setExit, shared, opts);
    });
};

/** A new run from the options, or (`o` null) the run `--resume` names with its own settings. */
export async function runSeq2seqTraining(io: CliIo, setExit: (code: number) => void, shared: Shared, o: Seq2seqCliOptions | null): Promise<void> {
  const { trainSeq2seq } = await import('../../train/seq2seq/run.js');
  const { checkExportTarget } = await import('../../train/checkpoints.js');
  if (shared.out) await checkExportTarget(path.resolve(shared.out)).catch((error: unknown) => { throw toCliError(error); });
  const store = openStore(resolveDataDir({ env: io.env }));
  const controller = new AbortController();
  const onSigint = () => controller.abort('cancel');
  const onSigterm = () => controller.abort(INTERRUPT);
  try {
    let runId: number;
    let config: Partial<Seq2seqTrainingConfig> | undefined;
    const resume = shared.resume !== undefined;
    if (resume) {
      runId = shared.resume!;
    } else {
      if (!o) throw new CliError('give the pairs to train on: --pairs FILE', 2);
      config = cliConfig(o);
      if (!existsSync(o.pairs!)) throw new CliError(`no such pairs file: ${o.pairs}`);
      const name = o.name ?? `${path.basename(o.pairs!)} · ${config.task} ${config.attention ?? 'luong'}${config.copy ?? config.task === 'summarize' ? ' copy' : ''}`;
      runId = store.runs.create({ kind: 'seq2seq', name, corpusId: null }).id;
    }
    await useBackend(shared.backend, io);
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigterm);
    const view = progressView(io, Boolean(shared.json));
    const result = await trainSeq2seq(
      {
        runId,
        store,
        ...(o?.pairs ? { pairs: { kind: 'file' as const, path: o.pairs, ...(o.valid ? { validPath: o.valid } : {}) } } : {}),
        ...(config ? { config } : {}),
        ...(shared.out ? { outDir: shared.out } : {}),
        resume,
      },
      { signal: controller.signal, onProgress: view.onProgress },
    ).catch((error: unknown) => {
      throw toCliError(error);
    });
    view.finish(result);
    setExit({ finished: 0, failed: 1, cancelled: 130, interrupted: 143 }[result.status]);
  } finally {
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigterm);
    store.close();
  }
}

function cliConfig(o: Seq2seqCliOptions): Partial<Seq2seqTrainingConfig> {
  const budget: Budget | undefined =
    o.steps !== undefined ? { steps: o.steps } : o.epochs !== undefined ? { epochs: o.epochs } : o.minutes !== undefined ? { minutes: o.minutes } : undefined;
  const config: Partial<Seq2seqTrainingConfig> = {
    task: o.task,
    level: o.level,
    vocabSize: o.vocabSize,
    sharedVocab: o.sharedVocab,
    embed: o.embed,
    hidden: o.hidden,
    layers: o.layers,
    bidirectional: o.bidirectional,
    attention: o.attention,
    luongScore: o.luongScore,
    copy: o.copy,
    coverage: o.coverage,
    coverageWeight: o.coverageWeight,
    dropout: o.dropout,
    maxSourceLen: o.maxSource,
    maxTargetLen: o.maxTarget,
    batch: o.batch,
    lr: o.lr,
    warmupSteps: o.warmup,
    clip: o.clip,
    budget,
    validationFraction: o.validFraction,
    evalEvery: o.evalEvery,
    sampleEvery: o.sampleEvery,
    patience: o.patience,
    seed: o.seed,
  };
  try {
    resolveSeq2seqConfig(config);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), 2);
  }
  return config;
}

function progressView(io: CliIo, json: boolean): { onProgress: (p: TrainingProgress) => void; finish: (r: TrainingResult) => void } {
  if (json) {
    return {
      onProgress: (p) => io.out(`${JSON.stringify({ type: 'progress', ...p })}\n`),
      finish: (r) => io.out(`${JSON.stringify({ type: 'result', ...r })}\n`),
    };
  }
  return {
    onProgress: (p) => {
      if (p.sample !== undefined) io.out(`sample at step ${p.step}:\n${p.sample.trimEnd()}\n`);
      if (p.evaluated || p.final) io.out(`${progressLine(p)}\n`);
    },
    finish: (r) => {
      for (const warning of r.warnings) io.err(`longhand: ${warning}\n`);
      const lines = [`run ${r.runId} ${r.status} on ${r.backend}: step ${r.step}, epoch ${r.epoch.toFixed(2)}, ${Math.round(r.elapsedSeconds)} s`];
      if (r.bestValLoss !== null) lines.push(`best validation loss ${r.bestValLoss.toFixed(4)} (perplexity ${Math.exp(r.bestValLoss).toFixed(2)})`);
      if (r.bestCheckpoint) lines.push(`best checkpoint: step ${r.bestCheckpoint.step}, ${r.bestCheckpoint.dir}`);
      if (r.outDir) lines.push(`copied to ${r.outDir}`);
      if (r.status === 'interrupted' || r.status === 'failed') lines.push(`resume with: longhand train --resume ${r.runId}`);
      io.out(`${lines.join('\n')}\n`);
      if (r.error) io.err(`longhand: run ${r.runId} failed: ${r.error}\n`);
    },
  };
}

function progressLine(p: TrainingProgress): string {
  const parts = [`step ${p.step}${p.totalSteps !== null ? `/${p.totalSteps}` : ''}`, `epoch ${p.epoch.toFixed(2)}`];
  if (p.trainLoss !== null) parts.push(`loss ${p.trainLoss.toFixed(3)}`);
  if (p.valLoss !== null) parts.push(`val ${p.valLoss.toFixed(3)}`);
  if (p.tokensPerSec !== null) parts.push(`${Math.round(p.tokensPerSec)} tok/s`);
  parts.push(`${Math.round(p.elapsedSeconds)} s`);
  return parts.join('  ');
}

/**
 * `--model DIR|RUN`: a checkpoint directory, or a seq2seq run id (its best checkpoint, verified against the
 * sha256 the store recorded).
 */
export async function loadSeq2seqRef(ref: string, io: CliIo): Promise<Seq2seqHandle> {
  const { loadSeq2seq } = await import('../../generate/seq2seq/index.js');
  try {
    if (/^\d+$/.test(ref) && !existsSync(ref)) {
      const store = openStore(resolveDataDir({ env: io.env }));
      try {
        const run = store.runs.get(Number(ref));
        if (!run) throw new CliError(`no directory or run ${ref}`);
        if (run.kind !== 'seq2seq') throw new CliError(`run ${ref} is a ${run.kind} run, not a seq2seq model`);
        const best = store.checkpoints.best(run.id) ?? store.checkpoints.last(run.id);
        if (!best) throw new CliError(`run ${ref} has no checkpoint yet`);
        const { toSaved } = await import('../../train/checkpoints.js');
        return await loadSeq2seq(toSaved(store, best).dir, { expectedSha256: best.sha256 });
      } finally {
        store.close();
      }
    }
    return await loadSeq2seq(ref);
  } catch (error) {
    throw toCliError(error);
  }
}

/** `--input FILE`, or standard input for `-`. */
export async function readInput(input: string): Promise<string> {
  if (input === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await fs.readFile(input, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `no such file: ${input}` : `cannot read ${input}: ${(error as Error).message}`);
  }
}

/** Errors a user can cause, as one line. */
export function toCliError(error: unknown): unknown {
  const userErrors = ['CheckpointError', 'TrainingError', 'RunLockedError', 'PairFileError', 'Seq2seqInputError', 'TokenizerJsonError', 'RangeError'];
  if (error instanceof Error && userErrors.includes(error.name)) return new CliError(error.message.split('\n')[0]!);
  return error;
}

