/**
 * `longhand train seq2seq --pairs FILE [--from MODEL] [settings] [budget]`: trains a summarizer or dialogue model
 * on sequence pairs (JSONL or TSV) as a `seq2seq` run in the store (`longhand train --resume RUN` continues one).
 * Registered on the `train` command (src/cli/training.ts: its --resume, --out, --json and --backend apply, and
 * the output and exit codes are those of `train lm`). The settings given are resolved over the task's defaults
 * (src/train/config.ts) and checked against the contract before the run is created. With `--from` the run
 * fine-tunes a trained seq2seq model: its task by default, its architecture, vocabulary and maximum lengths (unless
 * given) whatever the flags say (a line on stderr names the flags it overrides), the fine-tuning schedule.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import type { ParentModel } from '../../contract/index.js';
import type { Store } from '../../store/index.js';
import { SEQ2SEQ_DEFAULTS, SEQ2SEQ_FINE_TUNE_DEFAULTS, resolveSeq2seqConfig } from '../../train/config.js';
import { type Seq2seqParentArchitecture, seq2seqInheritedSettings, seq2seqParentArchitecture } from '../../train/seq2seq/parentModel.js';
import { asCliError } from '../errors.js';
import { CliError, type CliIo, type Register } from '../io.js';
import { resolveParentRef } from '../modelRef.js';
import { integer, number } from '../options.js';
import { type SharedTrainOptions, budgetOf, budgetOptions, runTraining, trainCommand } from '../training.js';

interface Seq2seqCliOptions {
  pairs?: string;
  valid?: string;
  from?: string;
  task?: 'summarize' | 'dialogue';
  name?: string;
  attention?: 'bahdanau' | 'luong';
  luongScore?: 'general' | 'dot';
  copy?: boolean;
  coverage?: boolean;
  sourceCounts?: boolean;
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
  const f = SEQ2SEQ_FINE_TUNE_DEFAULTS;
  const command = trainCommand(program)
    .command('seq2seq')
    .description('train a summarizer or dialogue model (encoder–decoder LSTM with attention) on sequence pairs')
    .option('--pairs <file>', 'pairs to train on: JSONL ({"source","target"} per line) or TSV (source<TAB>target)')
    .option('--valid <file>', 'validation pairs (default: a hashed share of --pairs)')
    .option('--from <model>', 'fine-tune a trained seq2seq model: starter-dialogue (the shipped one), a run id, or a checkpoint folder; it keeps that model\'s architecture and vocabulary')
    .addOption(new Option('--task <task>', 'what the model is for (sets the defaults; default summarize, or the --from model\'s task)').choices(['summarize', 'dialogue']))
    .option('--name <name>', 'run name')
    .addOption(new Option('--attention <kind>', `additive or multiplicative attention (default ${s.attention})`).choices(['bahdanau', 'luong']))
    .addOption(new Option('--luong-score <score>', `Luong score (default ${s.luongScore})`).choices(['general', 'dot']))
    .option('--copy', 'pointer-generator: copy source words, unknown ones too (default: on for summarize)')
    .option('--no-copy', 'no copying')
    .option('--coverage', 'coverage attention and loss (See et al. 2017)')
    .option('--source-counts', 'the encoder also reads how often each word occurs in its source (Nallapati et al. 2016)')
    .option('--no-source-counts', 'no word counts')
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
    .option('--batch <n>', `pairs per step (default ${s.batch} summarize, ${d.batch} dialogue, ${f.batch} with --from)`, integer)
    .option('--lr <x>', `peak learning rate (default ${s.lr}, ${f.lr} with --from)`, number)
    .option('--warmup <n>', `warm-up steps (default ${s.warmupSteps}, ${f.warmupSteps} with --from)`, integer)
    .option('--dropout <x>', `dropout (default ${s.dropout})`, number)
    .option('--clip <x>', `gradient-norm clipping, 0 for none (default ${s.clip})`, number)
    .option('--valid-fraction <x>', `validation share when there is no --valid file (default ${s.validationFraction})`, number)
    .option('--eval-every <n>', `validate every n steps (default ${s.evalEvery})`, integer)
    .option('--sample-every <n>', `show a sample every n steps, 0 never (default ${s.sampleEvery})`, integer)
    .option('--patience <n>', `stop after n validations without improvement, 0 never (default ${s.patience})`, integer)
    .option('--seed <n>', `random seed (default ${s.seed})`, integer);
  budgetOptions(command, `${(s.budget as { minutes: number }).minutes} minutes, ${(f.budget as { minutes: number }).minutes} with --from`).action(async (opts: Seq2seqCliOptions, cmd: Command) => {
    const shared = cmd.optsWithGlobals<SharedTrainOptions & Seq2seqCliOptions>();
    if (shared.resume !== undefined) throw new CliError('--resume continues a run with its own settings: use `longhand train --resume RUN`', 2);
    if (opts.pairs === undefined) throw new CliError('give the pairs to train on: --pairs FILE', 2);
    await runTraining(io, setExit, shared, (store) => createSeq2seqRun(store, opts, io));
  });
};

/** The run row of `train seq2seq`, with its resolved settings; refuses a missing pairs file or an unusable parent before a run exists. */
async function createSeq2seqRun(store: Store, o: Seq2seqCliOptions, io: CliIo): Promise<number> {
  const pairs = path.resolve(o.pairs!);
  if (!existsSync(pairs)) throw new CliError(`no such pairs file: ${o.pairs}`);
  const asked = {
    level: o.level,
    vocabSize: o.vocabSize,
    // Commander makes --no-shared-vocab default to true: only its `false` was asked for.
    sharedVocab: o.sharedVocab === false ? false : undefined,
    embed: o.embed,
    hidden: o.hidden,
    layers: o.layers,
    bidirectional: o.bidirectional,
    attention: o.attention,
    luongScore: o.luongScore,
    copy: o.copy,
    coverage: o.coverage,
    sourceCounts: o.sourceCounts,
    maxSourceLen: o.maxSource,
    maxTargetLen: o.maxTarget,
  };
  const parent = o.from !== undefined ? await parentOf(store, o.from, io) : undefined;
  const inherited = parent ? seq2seqInheritedSettings(parent.architecture, asked) : { settings: {}, overridden: [] };
  const config = await asCliError(() =>
    resolveSeq2seqConfig({
      task: o.task ?? parent?.architecture.task ?? 'summarize',
      ...asked,
      coverageWeight: o.coverageWeight,
      lengthBuckets: o.lengthBuckets,
      dropout: o.dropout,
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
      ...inherited.settings,
      ...(parent ? { from: parent.from } : {}),
      pairs: { kind: 'file', path: pairs, ...(o.valid ? { validPath: path.resolve(o.valid) } : {}) },
    }),
  );
  if (inherited.overridden.length > 0) io.err(`longhand: a fine-tuned model keeps its parent's architecture and vocabulary, not ${inherited.overridden.join(', ')}\n`);
  const name = o.name ?? (parent ? `${path.basename(pairs)} (fine-tuned from ${o.from})` : `${path.basename(pairs)} · ${config.task} ${config.attention}${config.copy ? ' copy' : ''}`);
  return store.runs.create({ kind: 'seq2seq', name, corpusId: null, config }).id;
}

/** `--from`: the model and its architecture, checked before a run exists (a missing, damaged or language model is refused). */
async function parentOf(store: Store, ref: string, io: CliIo): Promise<{ from: ParentModel; architecture: Seq2seqParentArchitecture }> {
  return asCliError(async () => {
    const at = await resolveParentRef(store, ref, 'seq2seq', io);
    return { from: at.from, architecture: await seq2seqParentArchitecture(at.dir, at.sha256) };
  });
}
