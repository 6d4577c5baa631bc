/**
 * `longhand train lm (--corpus NAME | --text FILE) [settings] [budget]` and `longhand train --resume RUN` (any
 * kind). `--text FILE` imports the file like `corpus add` (same refusals) but adds nothing to the library: the
 * run records the file's path and a resume reads it again (and refuses it if its text changed). The settings
 * given are resolved over the defaults (src/train/config.ts) and checked against the contract before the run is
 * created; the run stores all of them. Output and exit codes: src/cli/training.ts.
 */
import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { INIT_SCHEMES, LR_DECAYS, type ParentModel } from '../../contract/index.js';
import type { Store } from '../../store/index.js';
import { type ParentArchitecture, inheritedSettings, parentArchitecture } from '../../train/lm/parentModel.js';
import { importFile } from '../../text/import/index.js';
import { LM_DEFAULTS as D, resolveLmConfig } from '../../train/config.js';
import { asCliError } from '../errors.js';
import { CliError, type CliIo, type Register } from '../io.js';
import { resolveParentRef } from '../modelRef.js';
import { integer, number } from '../options.js';
import { mustFind } from '../store.js';
import { type SharedTrainOptions, budgetOf, budgetOptions, runTraining, trainCommand } from '../training.js';

interface LmOptions {
  corpus?: string;
  text?: string;
  name?: string;
  from?: string;
  level?: string;
  vocabSize?: number;
  embed?: number;
  hidden?: number;
  layers?: number;
  cell?: string;
  init?: string;
  seq?: number;
  batch?: number;
  lr?: number;
  warmup?: number;
  decay?: string;
  minLr?: number;
  dropout?: number;
  clip?: number;
  steps?: number;
  epochs?: number;
  minutes?: number;
  split?: [number, number];
  evalEvery?: number;
  evalTokens?: number;
  patience?: number;
  sampleEvery?: number;
  checkpointEvery?: number;
  checkpointMinutes?: number;
  seed?: number;
}

export const registerTrain: Register = (program, io, setExit) => {
  const train = trainCommand(program);
  train.action(async (shared: SharedTrainOptions) => {
    if (shared.resume === undefined) train.help({ error: true });
    await runTraining(io, setExit, shared, null);
  });

  const lm = train
    .command('lm')
    .description('train a language model (the default standard size: char level, embed 64, 1 × LSTM 256)')
    .configureHelp({ showGlobalOptions: true })
    .addOption(new Option('--corpus <name>', 'a corpus of your library').conflicts('text'))
    .option('--text <file>', 'a .txt/.md/.docx/.epub file, imported for this run only')
    .option('--name <name>', 'run name')
    .option('--from <model>', 'fine-tune a trained language model: starter (the shipped prose model), a run id, or a checkpoint folder')
    .addOption(new Option('--level <level>', `tokens: characters, words or BPE pieces (default ${D.level})`).choices(['char', 'word', 'bpe']))
    .option('--vocab-size <n>', 'vocabulary size for word and bpe', integer)
    .option('--embed <n>', `embedding size (default ${D.embed})`, integer)
    .option('--hidden <n>', `hidden units per layer (default ${D.hidden})`, integer)
    .option('--layers <n>', `recurrent layers (default ${D.layers})`, integer)
    .addOption(new Option('--cell <kind>', `lstm or gru (default ${D.cell})`).choices(['lstm', 'gru']))
    .addOption(new Option('--init <scheme>', `initial weights (default ${D.init})`).choices(INIT_SCHEMES))
    .option('--seq <n>', `steps per training window (default ${D.seq})`, integer)
    .option('--batch <n>', `windows per step (default ${D.batch})`, integer)
    .option('--lr <x>', `peak learning rate (default ${D.lr})`, number)
    .option('--warmup <n>', `warm-up steps (default ${D.warmupSteps})`, integer)
    .addOption(new Option('--decay <kind>', `learning-rate decay after warm-up (default ${D.decay})`).choices(LR_DECAYS))
    .option('--min-lr <fraction>', `decay floor as a fraction of the peak (default ${D.minLrFraction})`, number)
    .option('--dropout <x>', `dropout (default ${D.dropout})`, number)
    .option('--clip <x>', `gradient-norm clipping, 0 for none (default ${D.clip})`, number)
    .option('--split <t/v/t>', 'train/validation/test percentages (default 90/5/5)', parseSplit)
    .option('--eval-every <n>', `validate every n steps, 0 only at the end (default ${D.evalEvery})`, integer)
    .option('--eval-tokens <n>', `validate on at most n tokens (default ${D.evalMaxTokens})`, integer)
    .option('--patience <n>', `stop after n validations without improvement, 0 never (default ${D.patience})`, integer)
    .option('--sample-every <n>', `show a sample every n steps, 0 never (default ${D.sampleEvery})`, integer)
    .option('--checkpoint-every <n>', 'also checkpoint every n steps', integer)
    .option('--checkpoint-minutes <m>', `checkpoint after this many minutes without one (default ${D.checkpointMinutes})`, number)
    .option('--seed <n>', `random seed (default ${D.seed})`, integer);
  budgetOptions(lm, budgetText(D.budget)).action(async (opts: LmOptions, cmd: Command) => {
    const shared = cmd.optsWithGlobals<SharedTrainOptions & LmOptions>();
    if (shared.resume !== undefined) throw new CliError('--resume continues a run with its own settings: use `longhand train --resume RUN`', 2);
    if ((opts.corpus === undefined) === (opts.text === undefined)) throw new CliError('give the text to train on: --corpus NAME or --text FILE', 2);
    await runTraining(io, setExit, shared, (store) => createLmRun(store, opts, io));
  });
};

/** The run row of `train lm`, with its resolved settings; refuses an unknown corpus or an unreadable file before a run exists. */
async function createLmRun(store: Store, o: LmOptions, io: CliIo): Promise<number> {
  let corpusId: number | null = null;
  let text: { kind: 'file'; path: string } | undefined;
  if (o.corpus !== undefined) {
    corpusId = mustFind(store, o.corpus).id;
  } else {
    const doc = await asCliError(() => importFile(o.text!));
    text = { kind: 'file', path: doc.sourcePath ?? path.resolve(o.text!) };
  }
  const parent = o.from !== undefined ? await parentOf(store, o.from, io) : undefined;
  const config = await asCliError(() =>
    resolveLmConfig({
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
      budget: budgetOf(o),
      ...(o.split ? { validationFraction: o.split[0], testFraction: o.split[1] } : {}),
      evalEvery: o.evalEvery,
      evalMaxTokens: o.evalTokens,
      patience: o.patience,
      sampleEvery: o.sampleEvery,
      checkpointEvery: o.checkpointEvery,
      checkpointMinutes: o.checkpointMinutes,
      seed: o.seed,
      text,
      ...(parent ? { ...inheritedSettings(parent.architecture, o), from: parent.from } : {}),
    }),
  );
  const source = o.corpus ?? path.basename(o.text!);
  const name = o.name ?? (parent ? `${source} (fine-tuned from ${o.from})` : `${source} · ${config.level} ${config.hidden}`);
  return store.runs.create({ kind: 'lm', name, corpusId, config }).id;
}

/** `--from`: the model and its architecture, checked before a run exists (a missing, damaged or seq2seq model is refused). */
async function parentOf(store: Store, ref: string, io: CliIo): Promise<{ from: ParentModel; architecture: ParentArchitecture }> {
  return asCliError(async () => {
    const at = await resolveParentRef(store, ref, 'lm', io);
    return { from: at.from, architecture: await parentArchitecture(at.dir, at.sha256) };
  });
}

function budgetText(b: { steps: number } | { epochs: number } | { minutes: number }): string {
  return 'steps' in b ? `${b.steps} steps` : 'epochs' in b ? `${b.epochs} epochs` : `${b.minutes} minutes`;
}

/** "90/5/5" (percentages) → the validation and test fractions; two parts mean no test split. */
function parseSplit(value: string): [number, number] {
  const parts = value.split('/').map(Number);
  if ((parts.length !== 3 && parts.length !== 2) || parts.some((p) => !Number.isFinite(p) || p < 0)) {
    throw new InvalidArgumentError('expected percentages train/validation/test such as 90/5/5.');
  }
  const [a, b, c = 0] = parts as [number, number, number?];
  if (Math.abs(a + b + c - 100) > 1e-9) throw new InvalidArgumentError(`the percentages add up to ${a + b + c}, not 100.`);
  if (a <= 0) throw new InvalidArgumentError('the train split cannot be empty.');
  return [b / 100, c / 100];
}
