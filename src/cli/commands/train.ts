/**
 * `longhand train lm (--corpus NAME | --text FILE) [settings] [budget]` and `longhand train --resume RUN`.
 *
 * Options every kind of training shares (--resume, --out, --json, --backend) belong to `train` itself and may
 * come before or after the subcommand; `train seq2seq` is meant to be added beside `lm` through
 * `trainCommand(program)`. `--text FILE` imports the file like `corpus add` (same refusals) but adds nothing to
 * the corpus library: the run records the file's path and a resume reads it again (and refuses it if its
 * text changed). Progress: one updating line on a terminal, a line per evaluation otherwise, JSON lines
 * with --json ({"type":"progress",…} per event, then {"type":"result",…}). Ctrl-C cancels after the current
 * step (the last checkpoint stays; a second Ctrl-C quits at once); SIGTERM interrupts (a checkpoint is saved
 * and the run can be resumed with --resume).
 * Exit codes: 0 finished, 1 failed or diverged, 2 usage, 130 cancelled, 143 interrupted.
 */
import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CheckpointError } from '../../model/checkpoint/index.js';
import { openStore, resolveDataDir, type Store } from '../../store/index.js';
import { ImportError, importFile } from '../../text/import/index.js';
import { checkExportTarget } from '../../train/checkpoints.js';
import { type LmTrainingConfig, DEFAULT_LM_TRAINING, resolveLmConfig } from '../../train/config.js';
import type { CorpusSource } from '../../train/corpus.js';
import { INIT_SCHEMES } from '../../train/init.js';
import { LR_DECAYS } from '../../train/schedule.js';
import { INTERRUPT, type Budget, type TrainingHooks, type TrainingProgress } from '../../train/task.js';
import { RunLockedError } from '../../train/runLock.js';
import { type TrainingResult, TrainingError, trainLanguageModel } from '../../train/trainLanguageModel.js';
import { CliError, type CliIo } from '../io.js';
import { fraction, nonNegative, positiveInt, positiveNumber, useBackend } from '../options.js';
import type { Register } from '../main.js';

function runKind(io: CliIo, runId: number): string | null {
  const store = openStore(resolveDataDir({ env: io.env }));
  try {
    return store.runs.get(runId)?.kind ?? null;
  } finally {
    store.close();
  }
}

interface SharedOptions {
  resume?: number;
  out?: string;
  json?: boolean;
  backend: string;
}

interface LmOptions {
  corpus?: string;
  text?: string;
  name?: string;
  level: LmTrainingConfig['level'];
  vocabSize?: number;
  embed?: number;
  hidden?: number;
  layers?: number;
  cell?: LmTrainingConfig['cell'];
  init?: LmTrainingConfig['init'];
  seq?: number;
  batch?: number;
  lr?: number;
  warmup?: number;
  decay?: LmTrainingConfig['decay'];
  minLr?: number;
  dropout?: number;
  clip?: number;
  steps?: number;
  epochs?: number;
  minutes?: number;
  split?: LmTrainingConfig['split'];
  evalEvery?: number;
  evalTokens?: number;
  patience?: number;
  sampleEvery?: number;
  checkpointEvery?: number;
  checkpointMinutes?: number;
  seed?: number;
}

const BACKENDS = ['auto', 'wasm', 'cpu', 'tfjs-node', 'tfjs-node-gpu'];
const D = DEFAULT_LM_TRAINING;

/** The `train` command, created on first use, so each kind of training registers its subcommand on it. */
export function trainCommand(program: Command): Command {
  const existing = program.commands.find((c) => c.name() === 'train');
  if (existing) return existing;
  return program
    .command('train')
    .description('train a model on your writing, or resume an interrupted run (--resume RUN)')
    .option('--resume <run>', 'continue an interrupted run from its last good checkpoint', (v) => positiveInt(v))
    .option('--out <dir>', 'also write the best checkpoint here (a new or empty directory, or a checkpoint to replace)')
    .option('--json', 'print JSON lines: one per progress event, then a summary')
    .addOption(new Option('--backend <name>', 'compute backend').choices(BACKENDS).default('auto'));
}

export const registerTrain: Register = (program, io, setExit) => {
  const train = trainCommand(program);
  train.action(async (shared: SharedOptions) => {
    if (shared.resume === undefined) train.help({ error: true });
    // One --resume for every kind of run: a seq2seq run continues through its own command.
    if (runKind(io, shared.resume!) === 'seq2seq') {
      const { runSeq2seqTraining } = await import('./seq2seq.js');
      return runSeq2seqTraining(io, setExit, shared, null);
    }
    await runTraining(io, setExit, shared, { resume: shared.resume! });
  });

  const budgetOption = (flag: string, key: 'steps' | 'epochs' | 'minutes', description: string, parse: (v: string) => number) =>
    new Option(flag, description).argParser(parse).conflicts(['steps', 'epochs', 'minutes'].filter((k) => k !== key));

  train
    .command('lm')
    .description('train a language model (the default standard size: char level, embed 64, 1 × LSTM 256)')
    .configureHelp({ showGlobalOptions: true })
    .addOption(new Option('--corpus <name>', 'a corpus of your library').conflicts('text'))
    .option('--text <file>', 'a .txt/.md/.docx/.epub file, imported for this run only')
    .option('--name <name>', 'run name')
    .addOption(new Option('--level <level>', 'tokens: characters, words or BPE pieces').choices(['char', 'word', 'bpe']).default(D.level))
    .option('--vocab-size <n>', 'vocabulary size for word and bpe', (v) => positiveInt(v, 2))
    .option('--embed <n>', `embedding size (default ${D.embed})`, (v) => positiveInt(v))
    .option('--hidden <n>', `hidden units per layer (default ${D.hidden})`, (v) => positiveInt(v))
    .option('--layers <n>', `recurrent layers (default ${D.layers})`, (v) => positiveInt(v))
    .addOption(new Option('--cell <kind>', `lstm or gru (default ${D.cell})`).choices(['lstm', 'gru']))
    .addOption(new Option('--init <scheme>', `initial weights: torch or keras (default ${D.init})`).choices(INIT_SCHEMES))
    .option('--seq <n>', `steps per training window (default ${D.seq})`, (v) => positiveInt(v))
    .option('--batch <n>', `windows per step (default ${D.batch})`, (v) => positiveInt(v))
    .option('--lr <x>', `peak learning rate (default ${D.lr})`, positiveNumber)
    .option('--warmup <n>', `warm-up steps (default ${D.warmupSteps})`, (v) => positiveInt(v, 0))
    .addOption(new Option('--decay <kind>', `learning-rate decay after warm-up (default ${D.decay})`).choices(LR_DECAYS))
    .option('--min-lr <fraction>', `decay floor as a fraction of the peak (default ${D.minLrFraction})`, fraction)
    .option('--dropout <x>', `dropout (default ${D.dropout})`, fraction)
    .option('--clip <x>', `gradient-norm clipping, 0 for none (default ${D.clip})`, nonNegative)
    .addOption(budgetOption('--steps <n>', 'steps', 'train for this many steps', (v) => positiveInt(v)))
    .addOption(budgetOption('--epochs <n>', 'epochs', 'train for this many epochs', positiveNumber))
    .addOption(budgetOption('--minutes <m>', 'minutes', `train for this many minutes (the default budget: ${budgetText(D.budget)})`, positiveNumber))
    .option('--split <t/v/t>', 'train/validation/test percentages (default 90/5/5)', parseSplit)
    .option('--eval-every <n>', `validate every n steps, 0 only at the end (default ${D.evalEvery})`, (v) => positiveInt(v, 0))
    .option('--eval-tokens <n>', `validate on at most n tokens (default ${D.evalMaxTokens})`, (v) => positiveInt(v))
    .option('--patience <n>', `stop after n validations without improvement, 0 never (default ${D.patience})`, (v) => positiveInt(v, 0))
    .option('--sample-every <n>', `show a sample every n steps, 0 never (default ${D.sampleEvery})`, (v) => positiveInt(v, 0))
    .option('--checkpoint-every <n>', 'also checkpoint every n steps', (v) => positiveInt(v, 0))
    .option('--checkpoint-minutes <m>', `checkpoint after this many minutes without one (default ${D.checkpointMinutes})`, nonNegative)
    .option('--seed <n>', `random seed (default ${D.seed})`, (v) => positiveInt(v, 0))
    .action(async (opts: LmOptions, cmd: Command) => {
      const shared = cmd.optsWithGlobals<SharedOptions & LmOptions>();
      if (shared.resume !== undefined) throw new CliError('--resume continues a run with its own settings: use `longhand train --resume RUN`', 2);
      if ((opts.corpus === undefined) === (opts.text === undefined)) throw new CliError('give the text to train on: --corpus NAME or --text FILE', 2);
      await runTraining(io, setExit, shared, { lm: opts });
    });
};

type Job = { resume: number } | { lm: LmOptions };

async function runTraining(io: CliIo, setExit: (code: number) => void, shared: SharedOptions, job: Job): Promise<void> {
  if (shared.out) await checkExportTarget(path.resolve(shared.out)).catch((error: unknown) => { throw cliError(error); });
  const store = openStore(resolveDataDir({ env: io.env }));
  const controller = new AbortController();
  const onSigint = () => controller.abort('cancel');
  const onSigterm = () => controller.abort(INTERRUPT);
  try {
    let runId: number;
    let corpus: CorpusSource | undefined;
    let config: Partial<LmTrainingConfig> | undefined;
    if ('resume' in job) {
      runId = job.resume;
    } else {
      ({ corpus, config } = await lmJob(store, job.lm));
      const name = job.lm.name ?? `${job.lm.corpus ?? path.basename(job.lm.text!)} · ${config.level} ${config.hidden ?? D.hidden}`;
      runId = store.runs.create({ kind: 'lm', name, corpusId: corpus.kind === 'corpus' ? corpus.corpusId : null }).id;
    }
    await useBackend(shared.backend, io);
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigterm);
    const view = progressView(io, Boolean(shared.json));
    const result = await trainLanguageModel(
      { runId, store, ...(corpus ? { corpus } : {}), ...(config ? { config } : {}), ...(shared.out ? { outDir: shared.out } : {}), resume: 'resume' in job },
      { signal: controller.signal, ...view.hooks },
    ).catch((error: unknown) => {
      throw cliError(error);
    });
    view.finish(result);
    setExit(EXIT_CODES[result.status]);
  } finally {
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigterm);
    store.close();
  }
}

const EXIT_CODES: Record<TrainingResult['status'], number> = { finished: 0, failed: 1, cancelled: 130, interrupted: 143 };

/** The text source and settings of `train lm`; refuses an unknown corpus or an unreadable file before a run exists. */
async function lmJob(store: Store, o: LmOptions): Promise<{ corpus: CorpusSource; config: Partial<LmTrainingConfig> }> {
  let corpus: CorpusSource;
  if (o.corpus !== undefined) {
    const row = store.corpora.byName(o.corpus);
    if (!row) {
      const known = store.corpora.list().map((c) => c.name);
      throw new CliError(`no corpus named "${o.corpus}"${known.length ? ` (corpora: ${known.join(', ')})` : ' (add one with: longhand corpus add FILE...)'}`);
    }
    corpus = { kind: 'corpus', corpusId: row.id };
  } else {
    const doc = await importFile(o.text!).catch((error: unknown) => {
      throw cliError(error);
    });
    corpus = { kind: 'file', path: doc.sourcePath };
  }
  const budget: Budget | undefined =
    o.steps !== undefined ? { steps: o.steps } : o.epochs !== undefined ? { epochs: o.epochs } : o.minutes !== undefined ? { minutes: o.minutes } : undefined;
  const config: Partial<LmTrainingConfig> = {
    level: o.level,
    vocabSize: o.vocabSize,
    embed: o.embed,
    hidden: o.hidden,
    layers: o.layers,
    cell: o.cell,
    init: o.init,
    seq: o.seq,
    batch: o.batch,
    lr: o.lr,
    warmupSteps: o.warmup,
    decay: o.decay,
    minLrFraction: o.minLr,
    dropout: o.dropout,
    clip: o.clip,
    budget,
    split: o.split,
    evalEvery: o.evalEvery,
    evalMaxTokens: o.evalTokens,
    patience: o.patience,
    sampleEvery: o.sampleEvery,
    checkpointEvery: o.checkpointEvery,
    checkpointMinutes: o.checkpointMinutes,
    seed: o.seed,
  };
  try {
    resolveLmConfig(config);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), 2);
  }
  return { corpus, config };
}

interface ProgressView {
  hooks: TrainingHooks;
  finish(result: TrainingResult): void;
}

/** JSON lines, one redrawn line on a terminal, or a line per evaluation and sample. */
function progressView(io: CliIo, json: boolean): ProgressView {
  if (json) {
    return {
      hooks: { onProgress: (p) => io.out(`${JSON.stringify({ type: 'progress', ...p })}\n`) },
      finish: (r) => io.out(`${JSON.stringify({ type: 'result', ...r })}\n`),
    };
  }
  let drawn = false;
  const clear = () => {
    if (drawn) io.out('\r\x1b[K');
    drawn = false;
  };
  return {
    hooks: {
      onProgress: (p) => {
        if (io.isTty) {
          clear();
          if (p.sample !== undefined) io.out(`── sample at step ${p.step} ──\n${p.sample.trimEnd()}\n`);
          if (!p.final) {
            io.out(progressLine(p));
            drawn = true;
          }
        } else if (p.evaluated || p.final) {
          io.out(`${progressLine(p)}\n`);
        } else if (p.sample !== undefined) {
          io.out(`sample at step ${p.step}:\n${p.sample.trimEnd()}\n`);
        }
      },
      onStatus: (s) => {
        if (s.status === 'paused' || s.status === 'interrupted' || s.status === 'cancelled') {
          clear();
          io.err(`longhand: run ${s.status}\n`);
        }
      },
    },
    finish: (r) => {
      clear();
      for (const warning of r.warnings) io.err(`longhand: ${warning}\n`);
      io.out(formatResult(r));
      if (r.error) io.err(`longhand: run ${r.runId} failed: ${r.error}\n`);
    },
  };
}

function progressLine(p: TrainingProgress): string {
  const parts = [`step ${p.step}${p.totalSteps !== null ? `/${p.totalSteps}` : ''}`];
  if (p.totalSteps) parts.push(bar(p.step / p.totalSteps));
  parts.push(`epoch ${p.epoch.toFixed(2)}`);
  if (p.trainLoss !== null) parts.push(`loss ${p.trainLoss.toFixed(3)}`);
  if (p.valLoss !== null) parts.push(`val ${p.valLoss.toFixed(3)}`);
  if (p.tokensPerSec !== null) parts.push(`${Math.round(p.tokensPerSec)} tok/s`);
  parts.push(`elapsed ${duration(p.elapsedSeconds)}`);
  if (p.etaSeconds !== null && !p.final) parts.push(`ETA ${duration(p.etaSeconds)}`);
  return parts.join('  ');
}

function formatResult(r: TrainingResult): string {
  const lines = [`run ${r.runId} ${r.status}${r.reason && r.status === 'finished' ? ` (${r.reason})` : ''} on ${r.backend}: step ${r.step}, epoch ${r.epoch.toFixed(2)}, ${duration(r.elapsedSeconds)}`];
  const losses = [
    r.trainLoss !== null ? `train ${r.trainLoss.toFixed(4)}` : null,
    r.finalValLoss !== null ? `validation ${r.finalValLoss.toFixed(4)}` : null,
    r.bestValLoss !== null ? `best validation ${r.bestValLoss.toFixed(4)}` : null,
    r.testLoss !== null ? `test ${r.testLoss.toFixed(4)}` : null,
  ].filter(Boolean);
  if (losses.length) lines.push(`loss (nats/token): ${losses.join(', ')}`);
  if (r.bestCheckpoint) lines.push(`best checkpoint: step ${r.bestCheckpoint.step}, ${r.bestCheckpoint.dir}`);
  if (r.outDir) lines.push(`copied to ${r.outDir}`);
  if (r.status === 'interrupted' || r.status === 'failed') lines.push(`resume with: longhand train --resume ${r.runId}`);
  return `${lines.join('\n')}\n`;
}

function bar(fraction: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

function budgetText(b: Budget): string {
  return 'steps' in b ? `${b.steps} steps` : 'epochs' in b ? `${b.epochs} epochs` : `${b.minutes} minutes`;
}

function cliError(error: unknown): Error {
  if (error instanceof ImportError) return new CliError(error.message);
  if (error instanceof TrainingError || error instanceof RunLockedError || error instanceof CheckpointError) return new CliError(error.message);
  return error instanceof Error ? error : new Error(String(error));
}

/** "90/5/5" (percentages) → [0.9, 0.05, 0.05]; two parts mean no test split. */
function parseSplit(value: string): LmTrainingConfig['split'] {
  const parts = value.split('/').map(Number);
  if ((parts.length !== 3 && parts.length !== 2) || parts.some((p) => !Number.isFinite(p) || p < 0)) {
    throw new InvalidArgumentError('expected percentages train/validation/test such as 90/5/5.');
  }
  const [a, b, c = 0] = parts as [number, number, number?];
  if (Math.abs(a + b + c - 100) > 1e-9) throw new InvalidArgumentError(`the percentages add up to ${a + b + c}, not 100.`);
  if (a <= 0) throw new InvalidArgumentError('the train split cannot be empty.');
  return [a / 100, b / 100, c / 100];
}
