/**
 * What `runs.start` would create, worked out once for starting and for estimating: the preset's config with the
 * writer's overrides merged over it (for fine-tuning: the fine-tuning defaults, the parent's architecture, and
 * the fine-tuning preset's settings), validated in full against the contract and completed with the training
 * defaults (src/train/config.ts); the parent checked and recorded with its name; the data checked (a corpus
 * without documents, a pairs file that cannot be read, a corpus with no pairs for the task are refused now, in
 * one line, not after the run waited in the queue) and measured for the estimate.
 */
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { LmConfig, Seq2seqConfig, zodMessage, type ApiParsedInput, type Budget, type ParentModel, type ParentModelRequest } from '../contract/index.js';
import type { NewRun, Store } from '../store/index.js';
import { FINE_TUNE_DEFAULTS, type LmSettings, type Seq2seqSettings, resolveLmConfig, resolveSeq2seqConfig } from '../train/config.js';
import { SetupError } from '../train/errors.js';
import { type ParentArchitecture, inheritedSettings, parentArchitecture } from '../train/lm/parentModel.js';
import { invalid, notFound, sentence } from './errors.js';
import { type DataSize, lmDataSize, seq2seqDataSize } from './estimate.js';
import type { PresetCatalog } from './presets.js';
import type { RunData } from './runData.js';
import { STARTER_MODEL, starterModelDir } from './starter.js';

const MAX_NAME = 120;

export interface PlanDeps {
  store: Store;
  presets: PresetCatalog;
  data: RunData;
  /** The folder of the starter corpus and model this build ships (null: none). */
  starterDir: string | null;
}

/** The run row to create, its settings typed. */
export type PlannedRun = NewRun &
  ({ kind: 'lm'; name: string; corpusId: number; config: LmSettings } | { kind: 'seq2seq'; name: string; corpusId: number | null; config: Seq2seqSettings });

export interface RunPlan {
  run: PlannedRun;
  size: DataSize;
}

/** "5 min", "300 steps", "2 epochs": a budget as a run's name says it. */
export function budgetLabel(budget: Budget): string {
  if ('minutes' in budget) return `${budget.minutes} min`;
  if ('steps' in budget) return `${budget.steps} step${budget.steps === 1 ? '' : 's'}`;
  return `${budget.epochs} epoch${budget.epochs === 1 ? '' : 's'}`;
}

export async function planRun(deps: PlanDeps, input: ApiParsedInput<'runs.start'>): Promise<RunPlan> {
  const { store, presets } = deps;
  const preset = input.preset === undefined ? undefined : presets.preset(input.kind, input.preset);
  if (input.preset !== undefined && !preset) {
    throw invalid(`There is no ${input.kind === 'lm' ? 'language-model' : 'encoder–decoder'} preset "${input.preset}" (there are: ${presets.names(input.kind).join(', ') || 'none'}).`);
  }
  const withCorpus = (corpusId: number) => {
    const corpus = store.corpora.get(corpusId);
    if (!corpus) throw notFound('corpus', corpusId);
    if (store.corpora.stats(corpusId).documents === 0) {
      throw invalid(`The corpus "${corpus.name}" has no documents yet: import some texts before training on it.`);
    }
    return corpus;
  };
  const label = input.preset ?? 'custom';
  const seed = randomInt(0, 2 ** 32 - 1);

  if (input.kind === 'lm') {
    const corpus = withCorpus(input.corpusId);
    const { from: asked, ...given } = input.config ?? {};
    if (preset?.fineTune && !asked) throw invalid(`The preset "${input.preset}" adapts a model: choose the model to start from.`);
    let merged: Record<string, unknown>;
    let from: ParentModel | undefined;
    if (asked) {
      // Fine-tuning: the parent's architecture and the fine-tuning schedule replace a new model's preset; a
      // fine-tuning preset's settings and what the writer set stay, and a size other than the parent's is refused.
      const parent = await resolveParent(deps, asked);
      from = parent.from;
      const ownSettings = preset?.fineTune ? preset.config : {};
      merged = { seed, ...preset?.config, ...FINE_TUNE_DEFAULTS, ...ownSettings, ...parent.architecture(given), ...given, from };
    } else merged = { seed, ...preset?.config, ...given };
    const parsed = LmConfig.safeParse(merged);
    if (!parsed.success) throw invalid(zodMessage(parsed.error, 'runs.start: the merged config'));
    const config = resolveLmConfig(parsed.data);
    const kind = from ? `fine-tuned ${budgetLabel(config.budget)}` : label;
    return {
      run: { kind: 'lm', name: input.name ?? `${corpus.name.slice(0, MAX_NAME - 24)} (${kind})`, corpusId: corpus.id, config },
      size: lmDataSize(config, store.corpora.stats(corpus.id)),
    };
  }

  const corpusId = input.pairs.kind === 'mined' ? withCorpus(input.pairs.corpusId).id : null;
  const parsed = Seq2seqConfig.safeParse({ seed, ...preset?.config, ...input.config, pairs: input.pairs, task: input.task });
  if (!parsed.success) throw invalid(zodMessage(parsed.error, 'runs.start: the merged config'));
  const config = resolveSeq2seqConfig(parsed.data);
  const pairs = await deps.data.pairs(input.pairs, input.task);
  return {
    run: { kind: 'seq2seq', name: input.name ?? `${input.task === 'summarize' ? 'Summarizer' : 'Dialogue'} (${label})`, corpusId, config },
    size: seq2seqDataSize(config, pairs),
  };
}

interface ResolvedParent {
  from: ParentModel;
  /** The parent's architecture, refusing a different one the writer asked for. */
  architecture(asked: object): ParentArchitecture;
}

/**
 * The model a run fine-tunes, checked (it exists, is a language model, its files are intact) and named: one of
 * the library's checkpoints, a folder, or the starter this build ships (recorded as its folder).
 */
async function resolveParent(deps: PlanDeps, asked: ParentModelRequest): Promise<ResolvedParent> {
  const { store } = deps;
  let dir: string;
  let sha256: string | undefined;
  let from: ParentModel;
  if (asked.kind === 'checkpoint') {
    const row = store.checkpoints.get(asked.checkpointId);
    const run = row && store.runs.get(row.runId);
    if (!row || !run) throw notFound('checkpoint', asked.checkpointId);
    if (run.kind !== 'lm') throw invalid(`Checkpoint ${row.id} ("${run.name}") is not a language model; only a language model can be fine-tuned for the editor.`);
    dir = path.resolve(path.dirname(store.file), row.path);
    sha256 = row.sha256;
    from = { kind: 'checkpoint', checkpointId: row.id, name: run.name };
  } else if (asked.kind === 'starter') {
    if (!deps.starterDir) throw invalid('This installation has no starter model: start from scratch or from one of your models.');
    dir = starterModelDir('starter', deps.starterDir);
    from = { kind: 'dir', path: dir, name: STARTER_MODEL };
  } else {
    dir = asked.path;
    from = { kind: 'dir', path: dir, name: asked.name ?? path.basename(dir) };
  }
  try {
    const architecture = await parentArchitecture(dir, sha256);
    return { from, architecture: (given) => oneLine(() => inheritedSettings(architecture, given)) };
  } catch (error) {
    if (error instanceof SetupError) {
      if (asked.kind === 'starter') throw invalid(sentence(`the starter model cannot be used (${error.message})`));
      throw invalid(sentence(error.message));
    }
    throw error;
  }
}

function oneLine<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof SetupError) throw invalid(sentence(error.message));
    throw error;
  }
}
