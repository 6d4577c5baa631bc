/**
 * `longhand train seq2seq --pairs FILE [settings] [budget]`: trains a summarizer or dialogue model on sequence
 * pairs (JSONL or TSV) as a `seq2seq` run in the store (`longhand train --resume RUN` continues one). Registered
 * on the `train` command (src/cli/training.ts: its --resume, --out, --json and --backend apply, and the output
 * and exit codes are those of `train lm`). The settings given are resolved over the task's defaults
 * (src/train/config.ts) and checked against the contract before the run is created.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import type { Store } from '../../store/index.js';
import { SEQ2SEQ_DEFAULTS, resolveSeq2seqConfig } from '../../train/config.js';
import { asCliError } from '../errors.js';
import { CliError, type Register } from '../io.js';
import { integer, number } from '../options.js';
import { type SharedTrainOptions, budgetOf, budgetOptions, runTraining, trainCommand } from '../training.js';

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
  lengthBuckets?: boolean;
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

export const registerTrainSeq2seq: Register = (program, io, setExit) => {
  const s = SEQ2SEQ_DEFAULTS.summarize;
  const d = SEQ2SEQ_DEFAULTS.dialogue;
  const command = trainCommand(program)
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
    .option('--coverage-weight <x>', `λ of the coverage loss (default ${s.coverageWeight})`, number)
    .addOption(new Option('--level <level>', `tokens (default ${s.level})`).choices(['word', 'char', 'bpe']))
    .option('--vocab-size <n>', 'vocabulary cap for word and bpe', integer)
    .option('--no-shared-vocab', 'separate source and target vocabularies')
    .option('--embed <n>', `embedding size (default ${s.embed})`, integer)
    .option('--hidden <n>', `hidden units (default ${s.hidden})`, integer)
    .option('--layers <n>', `LSTM layers in the encoder and the decoder (default ${s.layers})`, integer)
    .option('--bidirectional', 'bidirectional encoder (the default)')
    .option('--no-bidirectional', 'one-directional encoder')
    .option('--max-source <n>', `source tokens read (default ${s.maxSourceLen} summarize, ${d.maxSourceLen} dialogue)`, integer)
    .option('--max-target <n>', `target tokens (default ${s.maxTargetLen} summarize, ${d.maxTargetLen} dialogue)`, integer)
    .option('--length-buckets', 'batches of pairs of similar length: less padding, a less steady loss (default: random batches)')
    .option('--batch <n>', `pairs per step (default ${s.batch} summarize, ${d.batch} dialogue)`, integer)
    .option('--lr <x>', `peak learning rate (default ${s.lr})`, number)
    .option('--warmup <n>', `warm-up steps (default ${s.warmupSteps})`, integer)
    .option('--dropout <x>', `dropout (default ${s.dropout})`, number)
    .option('--clip <x>', `gradient-norm clipping, 0 for none (default ${s.clip})`, number)
    .option('--valid-fraction <x>', `validation share when there is no --valid file (default ${s.validationFraction})`, number)
    .option('--eval-every <n>', `validate every n steps (default ${s.evalEvery})`, integer)
    .option('--sample-every <n>', `show a sample every n steps, 0 never (default ${s.sampleEvery})`, integer)
    .option('--patience <n>', `stop after n validations without improvement, 0 never (default ${s.patience})`, integer)
    .option('--seed <n>', `random seed (default ${s.seed})`, integer);
  budgetOptions(command, `${(s.budget as { minutes: number }).minutes} minutes`).action(async (opts: Seq2seqCliOptions, cmd: Command) => {
    const shared = cmd.optsWithGlobals<SharedTrainOptions & Seq2seqCliOptions>();
    if (shared.resume !== undefined) throw new CliError('--resume continues a run with its own settings: use `longhand train --resume RUN`', 2);
    if (opts.pairs === undefined) throw new CliError('give the pairs to train on: --pairs FILE', 2);
    await runTraining(io, setExit, shared, (store) => createSeq2seqRun(store, opts));
  });
};

/** The run row of `train seq2seq`, with its resolved settings; refuses a missing pairs file before a run exists. */
async function createSeq2seqRun(store: Store, o: Seq2seqCliOptions): Promise<number> {
  const pairs = path.resolve(o.pairs!);
  if (!existsSync(pairs)) throw new CliError(`no such pairs file: ${o.pairs}`);
  const config = await asCliError(() =>
    resolveSeq2seqConfig({
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
    lengthBuckets: o.lengthBuckets,
    dropout: o.dropout,
    maxSourceLen: o.maxSource,
    maxTargetLen: o.maxTarget,
    batch: o.batch,
    lr: o.lr,
    warmupSteps: o.warmup,
    clip: o.clip,
    budget: budgetOf(o),
    validationFraction: o.validFraction,
    evalEvery: o.evalEvery,
    sampleEvery: o.sampleEvery,
    patience: o.patience,
    seed: o.seed,
    pairs: { kind: 'file', path: pairs, ...(o.valid ? { validPath: path.resolve(o.valid) } : {}) },
    }),
  );
  const name = o.name ?? `${path.basename(pairs)} · ${config.task} ${config.attention}${config.copy ? ' copy' : ''}`;
  return store.runs.create({ kind: 'seq2seq', name, corpusId: null, config }).id;
}

