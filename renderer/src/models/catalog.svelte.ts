/**
 * The models view: runs with their latest metrics, several runs' loss curves compared on one chart, checkpoints
 * (best/last) with export, import and deletion behind a confirmation. Which checkpoint a pane uses is a setting
 * (SettingsModel); this model only lists the candidates for each pane.
 */
import { LOSS_METRIC, type ApiClient, type Checkpoint, type CorpusSummary, type MetricSeries, type ModelPane, type Run } from '../lib/api.js';
import { errorText } from '../lib/format.js';
import { alignSeries, type Aligned } from '../lib/series.js';
import { isTinyCorpus } from '../lib/tinyCorpus.js';

export type PendingDelete = { kind: 'run'; run: Run } | { kind: 'checkpoint'; checkpoint: Checkpoint };

/** The corpus a run learnt from: a language model's own, or the one a seq2seq run mined its pairs from. */
export function trainingCorpusId(run: Run): number | null {
  if (run.corpusId !== null) return run.corpusId;
  return run.kind === 'seq2seq' && run.config.pairs.kind === 'mined' ? run.config.pairs.corpusId : null;
}

/** Checkpoints that can serve a pane: language models for the editor, seq2seq by task for the others. */
export function fitsPane(checkpoint: Checkpoint, pane: ModelPane): boolean {
  if (pane === 'editor') return checkpoint.kind === 'lm';
  return checkpoint.kind === 'seq2seq' && checkpoint.task === (pane === 'summarizer' ? 'summarize' : 'dialogue');
}

export class CatalogModel {
  runs = $state<Run[]>([]);
  checkpoints = $state<Checkpoint[]>([]);
  /** The library's corpora, to mark models trained on one too small to learn from. */
  corpora = $state<CorpusSummary[]>([]);
  compareIds = $state<number[]>([]);
  compareSplit = $state<'train' | 'validation'>('validation');
  /** Aligned curves of the compared runs (x = step), in compareIds order. */
  compareData = $state.raw<Aligned | null>(null);
  pendingDelete = $state<PendingDelete | null>(null);
  exportFolder = $state('');
  importPath = $state('');
  busy = $state(false);
  status = $state<string | null>(null);
  error = $state<string | null>(null);

  readonly #api: ApiClient;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a private cache; compareData is the reactive result
  readonly #metrics = new Map<number, MetricSeries[]>();
  readonly #unsubscribe: (() => void)[];
  #refreshTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(api: ApiClient) {
    this.#api = api;
    const later = () => this.#refreshSoon();
    this.#unsubscribe = [api.on('run.status', later), api.on('run.checkpoint', later)];
  }

  dispose(): void {
    for (const off of this.#unsubscribe) off();
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
  }

  async load(): Promise<void> {
    try {
      const [runs, checkpoints] = await Promise.all([this.#api.runs.list({ limit: 200 }), this.#api.checkpoints.list()]);
      this.runs = runs.runs;
      this.checkpoints = checkpoints.checkpoints;
      this.error = null;
    } catch (e) {
      this.error = `Could not list models: ${errorText(e)}`;
    }
    try {
      this.corpora = (await this.#api.corpora.list()).corpora;
    } catch {
      // Only the tiny-corpus marks depend on it; the list of models stands without them.
    }
  }

  /**
   * The word count of the corpus run `runId` trained on, when that corpus is too small to learn from; null
   * otherwise (also for imported models, which name no corpus). The corpus as it is now: one that has grown
   * since leaves an old run unmarked (the run does not record its corpus's size at the time).
   */
  tinyCorpusWords(runId: number): number | null {
    const run = this.runs.find((r) => r.id === runId);
    const corpusId = run ? trainingCorpusId(run) : null;
    const corpus = this.corpora.find((c) => c.id === corpusId);
    return corpus && isTinyCorpus(corpus) ? corpus.words : null;
  }

  #refreshSoon(): void {
    if (this.#refreshTimer) return;
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = null;
      void this.load();
    }, 500);
  }

  checkpointsOf(runId: number): Checkpoint[] {
    return this.checkpoints.filter((c) => c.runId === runId);
  }

  candidates(pane: ModelPane): Checkpoint[] {
    return this.checkpoints.filter((c) => fitsPane(c, pane));
  }

  async toggleCompare(runId: number): Promise<void> {
    this.compareIds = this.compareIds.includes(runId) ? this.compareIds.filter((id) => id !== runId) : [...this.compareIds, runId];
    await this.#recompute();
  }

  async setSplit(split: 'train' | 'validation'): Promise<void> {
    this.compareSplit = split;
    await this.#recompute();
  }

  async #recompute(): Promise<void> {
    try {
      await Promise.all(
        this.compareIds
          .filter((id) => !this.#metrics.has(id))
          .map(async (runId) => {
            const m = await this.#api.runs.metrics({ runId, names: [LOSS_METRIC], splits: ['train', 'validation'] });
            this.#metrics.set(runId, m.series);
          }),
      );
    } catch (e) {
      this.error = `Could not load metrics: ${errorText(e)}`;
    }
    const series = this.compareIds.map(
      (id) => this.#metrics.get(id)?.find((s) => s.name === LOSS_METRIC && s.split === this.compareSplit) ?? { steps: [], values: [] },
    );
    this.compareData = series.length ? alignSeries(series) : null;
  }

  async exportCheckpoint(checkpointId: number): Promise<void> {
    const folder = this.exportFolder.trim();
    if (!folder) {
      this.error = 'Give a folder to export to.';
      return;
    }
    await this.#busy(async () => {
      const { path } = await this.#api.checkpoints.export({ checkpointId, folder });
      this.status = `Exported to ${path}.`;
    }, 'Export failed');
  }

  async importCheckpoint(): Promise<void> {
    const path = this.importPath.trim();
    if (!path) {
      this.error = 'Give the path of a checkpoint folder or a model.json.';
      return;
    }
    await this.#busy(async () => {
      const checkpoint = await this.#api.checkpoints.import({ path });
      this.importPath = '';
      this.status = `Imported “${checkpoint.runName}”.`;
      await this.load();
    }, 'Import failed');
  }

  requestDelete(target: PendingDelete): void {
    this.pendingDelete = target;
  }

  cancelDelete(): void {
    this.pendingDelete = null;
  }

  async confirmDelete(): Promise<void> {
    const target = this.pendingDelete;
    this.pendingDelete = null;
    if (!target) return;
    await this.#busy(async () => {
      if (target.kind === 'run') {
        await this.#api.runs.delete({ runId: target.run.id });
        this.compareIds = this.compareIds.filter((id) => id !== target.run.id);
        this.#metrics.delete(target.run.id);
        this.status = `Deleted “${target.run.name}”.`;
      } else {
        await this.#api.checkpoints.delete({ checkpointId: target.checkpoint.id });
        this.status = `Deleted the checkpoint at step ${target.checkpoint.step} of “${target.checkpoint.runName}”.`;
      }
      await this.load();
      await this.#recompute();
    }, 'Delete failed');
  }

  async #busy(fn: () => Promise<void>, failure: string): Promise<void> {
    this.busy = true;
    try {
      await fn();
      this.error = null;
    } catch (e) {
      this.error = `${failure}: ${errorText(e)}`;
    } finally {
      this.busy = false;
    }
  }
}
