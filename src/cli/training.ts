/**
 * What every `longhand train …` shares: the `train` command itself with the options all kinds take (--resume,
 * --out, --json, --backend; before or after the subcommand), and running a run in this process — the same job
 * and recorder the app uses (src/train/trainRun.ts) — with Ctrl-C and SIGTERM wired to it and the exit code
 * set from how it ended: 0 finished, 1 failed or diverged, 2 usage, 130 cancelled (Ctrl-C; the last checkpoint
 * stays, a second Ctrl-C quits at once), 143 interrupted (SIGTERM: a checkpoint is saved, `--resume` continues).
 */
import path from 'node:path';
import { type Command, Option } from 'commander';
import { type Store, openStore, resolveDataDir } from '../store/index.js';
import { checkExportTarget } from '../train/exportCheckpoint.js';
import { INTERRUPT } from '../train/task.js';
import { THREADS_ENV, defaultThreads, resolveThreads } from '../train/config.js';
import { type TrainingResult, trainRun } from '../train/trainRun.js';
import { useBackend } from './compute.js';
import { asCliError } from './errors.js';
import type { CliIo } from './io.js';
import { positiveInt } from './options.js';
import { trainView } from './trainView.js';

export interface SharedTrainOptions {
  resume?: number;
  out?: string;
  json?: boolean;
  backend: string;
  threads?: number;
}

const BACKENDS = ['auto', 'wasm', 'cpu', 'tfjs-node', 'tfjs-node-gpu'];
const EXIT_CODES: Record<TrainingResult['status'], number> = { finished: 0, failed: 1, cancelled: 130, interrupted: 143 };

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
    .addOption(new Option('--backend <name>', 'compute backend').choices(BACKENDS).default('auto'))
    .option('--threads <n>', `threads to train on: model replicas on wasm and cpu (default ${defaultThreadsText()})`, (v) => positiveInt(v));
}

/** The budget flags of every kind: one of them, at most. */
export function budgetOptions(command: Command, defaultText: string): Command {
  const flag = (name: 'steps' | 'epochs' | 'minutes', text: string) =>
    new Option(`--${name} <n>`, text).argParser(Number).conflicts(['steps', 'epochs', 'minutes'].filter((k) => k !== name));
  return command
    .addOption(flag('steps', 'train for this many steps'))
    .addOption(flag('epochs', 'train for this many passes over the data'))
    .addOption(flag('minutes', `train for this many minutes (the default budget: ${defaultText})`));
}

export function budgetOf(o: { steps?: number; epochs?: number; minutes?: number }): { steps: number } | { epochs: number } | { minutes: number } | undefined {
  if (o.steps !== undefined) return { steps: o.steps };
  if (o.epochs !== undefined) return { epochs: o.epochs };
  if (o.minutes !== undefined) return { minutes: o.minutes };
  return undefined;
}

/**
 * Trains a run in this process: a new one (`create` makes its row and returns its id) or, without `create`,
 * the run `--resume` names, with its own stored settings.
 */
export async function runTraining(io: CliIo, setExit: (code: number) => void, shared: SharedTrainOptions, create: ((store: Store) => Promise<number>) | null): Promise<void> {
  if (shared.out) await asCliError(() => checkExportTarget(path.resolve(shared.out!)));
  const threads = await asCliError(() => resolveThreads(shared.threads, io.env));
  const store = openStore(resolveDataDir({ env: io.env }));
  const controller = new AbortController();
  const onSigint = () => controller.abort('cancel');
  const onSigterm = () => controller.abort(INTERRUPT);
  try {
    const runId = create ? await create(store) : shared.resume!;
    await useBackend(shared.backend, io);
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigterm);
    const view = trainView(io, Boolean(shared.json));
    const result = await asCliError(() =>
      trainRun(store, runId, {
        resume: !create,
        threads,
        ...(shared.out ? { outDir: shared.out } : {}),
        signal: controller.signal,
        onEvent: view.onEvent,
        onStatus: view.onStatus,
      }),
    );
    view.finish(result);
    setExit(EXIT_CODES[result.status]);
  } finally {
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigterm);
    store.close();
  }
}

/** The default thread count as help shows it. */
function defaultThreadsText(): string {
  try {
    return `${defaultThreads()}, every core; ${THREADS_ENV} caps it`;
  } catch {
    return `every core; ${THREADS_ENV} caps it`;
  }
}
