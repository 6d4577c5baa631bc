/**
 * The Summarizer's way in when no model is chosen: one click trains an encoder–decoder on pairs mined from one of
 * the writer's corpora, with the smallest preset; before the click, the service's estimate of that very run (or
 * its reason why nothing can be mined from the corpus). The other ways in — a pairs file, an imported model —
 * are other panes, reached through `SetupDestination`.
 */
import { LIMITS, type ApiClient, type ApiInput, type CorpusSummary, type Preset, type Run, type RunEstimate, isApiError } from '../lib/api.js';
import { errorText } from '../lib/format.js';
import { tinyCorpusWarning } from '../lib/tinyCorpus.js';

/** Where the setup card sends the writer: the run it started, the Training form for a pairs file, Models' import. */
export type SetupDestination = { to: 'run'; runId: number } | { to: 'pairs-file' } | { to: 'import' } | { to: 'library' };

type Seq2seqPreset = Extract<Preset, { kind: 'seq2seq' }>;

/** Roughly how many weights a preset's model has (recurrent layers and embedding): the smallest trains fastest. */
const weights = ({ config: c }: Seq2seqPreset) => (c.embed + c.hidden) * c.hidden * c.layers + (c.vocabSize ?? 0) * c.embed;

/** The smallest encoder–decoder preset that trains a new model (list order breaks ties), or null. */
export function smallestSeq2seqPreset(presets: readonly Preset[]): string | null {
  const fitting = presets.filter((p): p is Seq2seqPreset => p.kind === 'seq2seq' && !p.fineTune);
  return fitting.reduce<Seq2seqPreset | null>((best, p) => (best === null || weights(p) < weights(best) ? p : best), null)?.name ?? null;
}

/** The corpus made last: the writer's latest import, rather than the starter corpus a first run puts in the library. */
const newest = (corpora: readonly CorpusSummary[]) =>
  corpora.reduce<CorpusSummary | null>((last, c) => (last === null || c.createdAt > last.createdAt || (c.createdAt === last.createdAt && c.id > last.id) ? c : last), null);

/** "Letters summarizer", the corpus's name shortened if a run's name would be too long. */
const runName = (corpus: string) => `${corpus.slice(0, LIMITS.name - ' summarizer'.length).trim()} summarizer`;

export class SummarizerSetupModel {
  corpora = $state<CorpusSummary[]>([]);
  corpusId = $state<number | null>(null);
  /** The preset the one-click run uses (null: the service offers no encoder–decoder preset). */
  preset = $state<string | null>(null);
  /** The service's estimate for the run the button would start; null while asked, or when refused. */
  estimate = $state<RunEstimate | null>(null);
  estimating = $state(false);
  /** Why the service refuses this run (nothing can be mined from the corpus): the button is disabled. */
  refusal = $state<string | null>(null);
  /** The run the button started for the chosen corpus, or one still queued, running or paused from before (a restart). */
  started = $state<Run | null>(null);
  starting = $state(false);
  error = $state<string | null>(null);

  corpus = $derived(this.corpora.find((c) => c.id === this.corpusId) ?? null);
  warning = $derived(this.corpus ? tinyCorpusWarning(this.corpus) : null);
  canStart = $derived(this.startInput() !== null && this.refusal === null && !this.starting && this.started === null);

  readonly #api: ApiClient;
  #estimateRequest = 0;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  /** The writer's corpora and the preset, then the estimate for the chosen corpus (the newest, until one is chosen). */
  async load(): Promise<void> {
    try {
      const [corpora, presets] = await Promise.all([this.#api.corpora.list(), this.#api.presets.list({ kind: 'seq2seq' })]);
      this.corpora = corpora.corpora;
      this.preset = smallestSeq2seqPreset(presets.presets);
      if (!this.corpora.some((c) => c.id === this.corpusId)) this.corpusId = newest(this.corpora)?.id ?? null;
      this.error = this.preset === null && this.corpora.length > 0 ? 'This installation has no encoder–decoder preset to train with.' : null;
    } catch (e) {
      this.error = `Could not load your corpora: ${errorText(e)}`;
      return;
    }
    await Promise.all([this.refreshEstimate(), this.#findStarted()]);
  }

  async choose(corpusId: number): Promise<void> {
    this.corpusId = corpusId;
    this.started = null;
    await Promise.all([this.refreshEstimate(), this.#findStarted()]);
  }

  /**
   * A summarizer run on the chosen corpus's mined pairs that has not ended (queued, running or paused): after a
   * restart the card shows it, rather than offering to queue the same run again.
   */
  async #findStarted(): Promise<void> {
    const corpusId = this.corpusId;
    if (corpusId === null) return;
    try {
      const { runs } = await this.#api.runs.list({ kind: 'seq2seq', status: ['queued', 'running', 'paused'] });
      if (this.corpusId !== corpusId || this.started !== null) return;
      this.started =
        runs.find((r) => r.kind === 'seq2seq' && r.config.task === 'summarize' && r.config.pairs.kind === 'mined' && r.config.pairs.corpusId === corpusId) ?? null;
    } catch {
      // Not knowing leaves the button to offer the run; the queue would run it after the other.
    }
  }

  /** What `runs.start` (and `runs.estimate`) get for the chosen corpus, or null while there is none. */
  startInput(): ApiInput<'runs.start'> | null {
    if (this.corpus === null || this.preset === null) return null;
    return {
      kind: 'seq2seq',
      pairs: { kind: 'mined', corpusId: this.corpus.id },
      task: 'summarize',
      preset: this.preset,
      name: runName(this.corpus.name),
    };
  }

  /** Asks the service how long the run would take; a refusal (no pairs to mine) is kept as the reason (a stale answer is dropped). */
  async refreshEstimate(): Promise<void> {
    const input = this.startInput();
    const request = ++this.#estimateRequest;
    this.estimate = null;
    this.refusal = null;
    if (input === null) return;
    this.estimating = true;
    try {
      const estimate = await this.#api.runs.estimate(input);
      if (request === this.#estimateRequest) this.estimate = estimate;
    } catch (e) {
      if (request !== this.#estimateRequest) return;
      // The service refuses a corpus with nothing to mine before any run exists; other failures leave the button
      // to try (Start says what went wrong, if it still does).
      if (isApiError(e, 'ValidationError') || isApiError(e, 'NotFound')) this.refusal = errorText(e);
    } finally {
      if (request === this.#estimateRequest) this.estimating = false;
    }
  }

  async start(): Promise<void> {
    const input = this.startInput();
    if (input === null || !this.canStart) return;
    this.starting = true;
    this.error = null;
    try {
      this.started = await this.#api.runs.start(input);
    } catch (e) {
      this.error = `Could not start training: ${errorText(e)}`;
    } finally {
      this.starting = false;
    }
  }
}
