/**
 * What `runs.start` would create, worked out once for starting and for estimating: the preset's config with the
 * writer's overrides merged over it (for fine-tuning, either kind: the fine-tuning defaults, the parent's
 * architecture, and a language model's fine-tuning preset's settings), validated in full against the contract
 * and completed with the training defaults (src/train/config.ts); the parent checked and recorded with its name
 * (./runParent.ts); the data checked (a corpus without documents, a pairs file that cannot be read, a corpus
 * with no pairs for the task are refused now, in one line, not after the run waited in the queue) and measured
 * for the estimate.
 */
import { randomInt } from 'node:crypto';
import { LmConfig, Seq2seqConfig, zodMessage, type ApiParsedInput, type Budget, type ParentModel } from '../contract/index.js';
import type { NewRun } from '../store/index.js';
import { FINE_TUNE_DEFAULTS, SEQ2SEQ_FINE_TUNE_DEFAULTS, type LmSettings, type Seq2seqSettings, resolveLmConfig, resolveSeq2seqConfig } from '../train/config.js';
import { seq2seqInheritedSettings } from '../train/seq2seq/parentModel.js';
import { invalid, notFound } from './errors.js';
import { type DataSize, lmDataSize, seq2seqDataSize } from './estimate.js';
import type { PresetCatalog } from './presets.js';
import type { RunData } from './runData.js';
import { type ParentDeps, lmParent, seq2seqParent } from './runParent.js';

const MAX_NAME = 120;

export interface PlanDeps extends ParentDeps {
  presets: PresetCatalog;
  data: RunData;
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
      const parent = await lmParent(deps, asked);
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
  const { from: asked, ...given } = input.config ?? {};
  let merged: Record<string, unknown>;
  let from: ParentModel | undefined;
  if (asked) {
    // Fine-tuning: the fine-tuning schedule over the preset's, what the writer set over that, and the parent's
    // architecture and vocabulary over everything (its maximum lengths unless the writer set them).
    const parent = await seq2seqParent(deps, asked);
    from = parent.from;
    merged = { seed, ...preset?.config, ...SEQ2SEQ_FINE_TUNE_DEFAULTS, ...given, ...seq2seqInheritedSettings(parent.architecture, given).settings, from };
  } else merged = { seed, ...preset?.config, ...given };
  const parsed = Seq2seqConfig.safeParse({ ...merged, pairs: input.pairs, task: input.task });
  if (!parsed.success) throw invalid(zodMessage(parsed.error, 'runs.start: the merged config'));
  const config = resolveSeq2seqConfig(parsed.data);
  const pairs = await deps.data.pairs(input.pairs, input.task);
  const kind = from ? `fine-tuned ${budgetLabel(config.budget)}` : label;
  return {
    run: { kind: 'seq2seq', name: input.name ?? `${input.task === 'summarize' ? 'Summarizer' : 'Dialogue'} (${kind})`, corpusId, config },
    size: seq2seqDataSize(config, pairs),
  };
}
