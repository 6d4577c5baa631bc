/**
 * runs.*: starting a run (a preset's config with the writer's overrides merged over it, validated in full
 * against the contract's config schema, then completed with the training defaults — src/train/config.ts — so
 * the run stores every setting it trains with), pausing, resuming, cancelling, listing, inspecting and deleting it.
 * State lives in SQLite; ./training.ts moves it.
 */
import { randomInt } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { LmConfig, Seq2seqConfig, zodMessage, type ApiHandlers, type ApiParsedInput, type ParentModel } from '../contract/index.js';
import type { NewRun } from '../store/index.js';
import path from 'node:path';
import { FINE_TUNE_DEFAULTS, resolveLmConfig, resolveSeq2seqConfig } from '../train/config.js';
import { SetupError } from '../train/errors.js';
import { type ParentArchitecture, inheritedSettings, parentArchitecture } from '../train/lm/parentModel.js';
import type { ServiceContext } from './context.js';
import { invalid, mapErrors, notFound, sentence } from './errors.js';
import { pathProblem } from './importing.js';
import { toCheckpoint } from './mapping.js';
import { buildSeries } from './metricSeries.js';
import type { PresetCatalog } from './presets.js';
import type { TrainingScheduler } from './training.js';

type RunHandlers = Pick<
  ApiHandlers,
  'runs.start' | 'runs.pause' | 'runs.resume' | 'runs.cancel' | 'runs.list' | 'runs.get' | 'runs.metrics' | 'runs.delete'
>;

const SAMPLES_SHOWN = 20;
const MAX_NAME = 120;

export interface RunDeps {
  presets: PresetCatalog;
  training: TrainingScheduler;
}

export function runHandlers(ctx: ServiceContext, deps: RunDeps): RunHandlers {
  const { store } = ctx;
  const { training } = deps;

  return {
    'runs.start': mapErrors(async (input) => {
      const row = store.runs.create(await newRun(ctx, deps.presets, input));
      training.enqueued(row);
      return training.run(row.id);
    }),
    'runs.pause': mapErrors(({ runId }) => training.pause(runId)),
    'runs.resume': mapErrors(({ runId }) => training.resume(runId)),
    'runs.cancel': mapErrors(({ runId }) => training.cancel(runId)),
    'runs.list': ({ status, kind, limit }) => {
      const rows = store.runs.list({ ...(status ? { status } : {}), ...(kind ? { kind } : {}) });
      return { runs: rows.reverse().slice(0, limit).map((r) => training.toRun(r)) };
    },
    'runs.get': ({ runId }) => {
      const row = store.runs.get(runId);
      if (!row) throw notFound('run', runId);
      return {
        run: training.toRun(row),
        checkpoints: store.checkpoints.listByRun(runId).map((c) => toCheckpoint(c, row)),
        samples: store.samples.latest(runId, SAMPLES_SHOWN).map((s) => ({ step: s.step, text: s.text })),
      };
    },
    'runs.metrics': ({ runId, names, splits, sinceStep, maxPoints }) => {
      if (!store.runs.get(runId)) throw notFound('run', runId);
      const rows = store.metrics.list(runId, sinceStep !== undefined ? { afterStep: sinceStep } : {});
      return { runId, series: buildSeries(rows, { names, splits, maxPoints }) };
    },
    'runs.delete': mapErrors(async ({ runId, deleteCheckpoints }) => {
      await training.remove(runId, deleteCheckpoints);
      return { deleted: true as const };
    }),
  };
}

async function newRun(ctx: ServiceContext, presets: PresetCatalog, input: ApiParsedInput<'runs.start'>): Promise<NewRun> {
  const { store } = ctx;
  let base: object | undefined;
  if (input.preset !== undefined) {
    base = input.kind === 'lm' ? presets.config('lm', input.preset) : presets.config('seq2seq', input.preset);
    if (!base) throw invalid(`There is no preset "${input.preset}" (there are: ${presets.names().join(', ') || 'none'}).`);
  }
  const merged: Record<string, unknown> = { ...base, ...input.config };
  const withCorpus = (corpusId: number) => {
    const corpus = store.corpora.get(corpusId);
    if (!corpus) throw notFound('corpus', corpusId);
    if (store.corpora.stats(corpusId).documents === 0) {
      throw invalid(`The corpus "${corpus.name}" has no documents yet: import some texts before training on it.`);
    }
    return corpus;
  };
  const label = input.preset ?? 'custom';

  if (input.kind === 'lm') {
    const corpus = withCorpus(input.corpusId);
    // Fine-tuning: the parent's architecture and the fine-tuning schedule replace the preset's; what the writer
    // set explicitly stays, and a size that differs from the parent's is refused.
    const from = input.config?.from;
    const fineTune = from ? { ...FINE_TUNE_DEFAULTS, ...(await parentSettings(store, from, input.config ?? {})) } : {};
    const parsed = LmConfig.safeParse({ seed: randomInt(0, 2 ** 32 - 1), ...base, ...fineTune, ...input.config });
    if (!parsed.success) throw invalid(zodMessage(parsed.error, 'runs.start: the merged config'));
    return {
      kind: 'lm',
      name: input.name ?? `${corpus.name.slice(0, MAX_NAME - 14)} (${from ? 'fine-tuned' : label})`,
      corpusId: corpus.id,
      config: resolveLmConfig(parsed.data),
    };
  }

  let corpusId: number | null = null;
  if (input.pairs.kind === 'mined') corpusId = withCorpus(input.pairs.corpusId).id;
  else await checkPairsFile(input.pairs.path);
  const parsed = Seq2seqConfig.safeParse({ seed: randomInt(0, 2 ** 32 - 1), ...merged, pairs: input.pairs, task: input.task });
  if (!parsed.success) throw invalid(zodMessage(parsed.error, 'runs.start: the merged config'));
  return {
    kind: 'seq2seq',
    name: input.name ?? `${input.task === 'summarize' ? 'Summarizer' : 'Dialogue'} (${label})`,
    corpusId,
    config: resolveSeq2seqConfig(parsed.data),
  };
}

/** The architecture of the model a run fine-tunes, checked: it exists, is a language model, and its files are intact. */
async function parentSettings(store: ServiceContext['store'], from: ParentModel, asked: object): Promise<ParentArchitecture> {
  let dir: string;
  let sha256: string | undefined;
  if (from.kind === 'checkpoint') {
    const row = store.checkpoints.get(from.checkpointId);
    const run = row && store.runs.get(row.runId);
    if (!row || !run) throw notFound('checkpoint', from.checkpointId);
    if (run.kind !== 'lm') throw invalid(`Checkpoint ${row.id} ("${run.name}") is not a language model; only a language model can be fine-tuned for the editor.`);
    dir = path.resolve(path.dirname(store.file), row.path);
    sha256 = row.sha256;
  } else dir = from.path;
  try {
    return inheritedSettings(await parentArchitecture(dir, sha256), asked);
  } catch (error) {
    if (error instanceof SetupError) throw invalid(sentence(error.message));
    throw error;
  }
}

async function checkPairsFile(file: string): Promise<void> {
  const problem = pathProblem(file);
  if (problem) throw invalid(`The pairs file ${file} ${problem}.`);
  const stat = await fs.stat(file).catch(() => null);
  if (!stat) throw invalid(`The pairs file ${file} does not exist.`);
  if (!stat.isFile()) throw invalid(`The pairs file ${file} is not a regular file.`);
}
