/**
 * The training view's model: the start form (corpus or pairs, kind, preset or advanced settings), the run queue,
 * and the selected run's live state — progress, ETA, speed, samples, and its loss curve, loaded from stored
 * metrics and then extended by `run.progress` events.
 */
import {
  ACTIVE_STATUSES,
  LOSS_METRIC,
  type ApiClient,
  type ApiInput,
  type Budget,
  type Checkpoint,
  type CorpusSummary,
  type EventPayload,
  type LmConfig,
  type PairsSource,
  type Preset,
  type Run,
  type RunEstimate,
  type RunSample,
  type Seq2seqModelConfig,
  type Seq2seqTask,
} from '../lib/api.js';
import { errorText } from '../lib/format.js';
import { alignSeries, LossCurve } from '../lib/series.js';
import { tinyCorpusWarning } from '../lib/tinyCorpus.js';
import { runFigures, type Progress } from './runFigures.js';
import {
  SCRATCH,
  STARTER,
  modelOptions,
  parentRequest,
  presetsFor,
  startFromOptions,
  withoutArchitecture,
  type ModelPurpose,
  type StartFromChoice,
  type StartFromOption,
} from './startFrom.js';

export type { Progress } from './runFigures.js';

export interface TrainingForm {
  kind: 'lm' | 'seq2seq';
  name: string;
  corpusId: number | null;
  /** What a language model starts from (./startFrom.ts): the starter, scratch, or `checkpoint:<id>`. */
  from: StartFromChoice;
  /** What an encoder–decoder starts from: the dialogue starter (dialogue only), scratch, or one of the task's models. */
  seq2seqFrom: StartFromChoice;
  /** How long an encoder–decoder adapts the model it starts from (no preset: the service's fine-tuning settings). */
  adaptBudget: Budget;
  pairsKind: 'mined' | 'file';
  pairsCorpusId: number | null;
  pairsPath: string;
  task: Seq2seqTask;
  preset: string;
  advanced: boolean;
  /** Advanced settings, filled from the chosen preset when they are opened (the service owns every default). */
  lm: LmConfig | null;
  seq2seq: Seq2seqModelConfig | null;
}

const SAMPLES_KEPT = 20;

/** An encoder–decoder adapts for this long unless the writer says (the service's fine-tuning default too). */
const ADAPT_BUDGET: Budget = { minutes: 5 };

/** Samples by step (a later one for the same step replaces the earlier), oldest first, the newest kept. */
export function mergeSamples(existing: readonly RunSample[], added: readonly RunSample[]): RunSample[] {
  let out = [...existing];
  for (const sample of added) out = [...out.filter((s) => s.step !== sample.step), sample];
  return out.sort((a, b) => a.step - b.step).slice(-SAMPLES_KEPT);
}

/** The queue as it will train: the run training (or paused) first, then the queued ones, oldest first. */
export function queueOrder(runs: readonly Run[]): Run[] {
  const rank = (r: Run) => (r.status === 'running' ? 0 : r.status === 'paused' ? 1 : 2);
  return runs.filter((r) => ACTIVE_STATUSES.includes(r.status)).sort((a, b) => rank(a) - rank(b) || a.id - b.id);
}

export class TrainingModel {
  corpora = $state<CorpusSummary[]>([]);
  presets = $state<Preset[]>([]);
  /** The backend training would use now (its estimates are the ones shown). */
  backend = $state<string | null>(null);
  runs = $state<Run[]>([]);
  /** Latest progress event per run id. */
  progress = $state<Record<number, Progress>>({});
  samples = $state<Record<number, RunSample[]>>({});
  selectedRunId = $state<number | null>(null);
  /** The selected run's loss curve; `curveVersion` changes whenever it does. */
  curve = new LossCurve();
  curveVersion = $state(0);
  form = $state<TrainingForm>({
    kind: 'lm',
    name: '',
    corpusId: null,
    from: STARTER,
    seq2seqFrom: SCRATCH,
    adaptBudget: { ...ADAPT_BUDGET },
    pairsKind: 'mined',
    pairsCorpusId: null,
    pairsPath: '',
    task: 'summarize',
    preset: '',
    advanced: false,
    lm: null,
    seq2seq: null,
  });
  /** The shipped starter model, when there is one (null: none; undefined: not loaded yet). */
  starter = $state<{ name: string; checkpointId?: number | null } | null | undefined>(undefined);
  /** The shipped starter dialogue model, when there is one. */
  dialogueStarter = $state<{ name: string; checkpointId?: number | null } | null>(null);
  /** The writer's models (their checkpoints), which a run of the same purpose can start from. */
  savedModels = $state<Checkpoint[]>([]);
  /** How long the run the form describes would take here (null: unknown or the form is incomplete). */
  runEstimate = $state<RunEstimate | null>(null);
  starting = $state(false);
  error = $state<string | null>(null);
  status = $state<string | null>(null);

  /** Checkpoints of runs that have been selected (their metrics stand in for progress a run never stored). */
  checkpoints = $state<Record<number, Checkpoint[]>>({});

  queue = $derived(queueOrder(this.runs));
  selectedRun = $derived(this.runs.find((r) => r.id === this.selectedRunId) ?? null);
  selectedProgress = $derived<Progress | null>(
    this.selectedRunId === null ? null : (this.progress[this.selectedRunId] ?? null),
  );
  selectedSamples = $derived(this.selectedRunId === null ? [] : (this.samples[this.selectedRunId] ?? []));
  /** The selected run's figures from progress, its curve or its checkpoints; null before its first step. */
  selectedFigures = $derived.by(() => {
    void this.curveVersion;
    const checkpoints = this.selectedRunId === null ? [] : (this.checkpoints[this.selectedRunId] ?? []);
    return runFigures(this.selectedProgress, this.curve.data, checkpoints);
  });
  /** What the form's model is for: a language model, or the encoder–decoder's task. */
  purpose = $derived<ModelPurpose>(this.form.kind === 'lm' ? 'lm' : this.form.task);
  /** What the form's model starts from. */
  fromChoice = $derived(this.form.kind === 'lm' ? this.form.from : this.form.seq2seqFrom);
  kindPresets = $derived(presetsFor(this.presets, this.form.kind, this.fromChoice));
  /** The writer's models the form's model can start from. */
  models = $derived(modelOptions(this.savedModels, this.purpose));
  /** What the form's model can start from: its purpose's starter (if shipped), scratch, the writer's models. */
  startFromOptions = $derived<StartFromOption[]>(startFromOptions(this.#starterOption(this.purpose), this.models));
  /** A warning before training on a corpus too small to learn from (null when it is big enough, or a file). */
  corpusWarning = $derived.by(() => {
    const f = this.form;
    const id = f.kind === 'lm' ? f.corpusId : f.pairsKind === 'mined' ? f.pairsCorpusId : null;
    const corpus = this.corpora.find((c) => c.id === id);
    return corpus ? tinyCorpusWarning(corpus) : null;
  });

  readonly #api: ApiClient;
  readonly #unsubscribe: (() => void)[];
  /** Events for the selected run that arrived while its stored metrics were loading. */
  #buffered: Progress[] | null = null;

  constructor(api: ApiClient) {
    this.#api = api;
    this.#unsubscribe = [
      api.on('run.progress', (e) => this.#onProgress(e)),
      api.on('run.status', (e) => this.#onStatus(e)),
    ];
  }

  dispose(): void {
    for (const off of this.#unsubscribe) off();
  }

  async load(): Promise<void> {
    try {
      const [corpora, runs, checkpoints] = await Promise.all([
        this.#api.corpora.list(),
        this.#api.runs.list({ limit: 100 }),
        // Without the list, a run can still start from a starter or from scratch.
        this.#api.checkpoints.list({}).catch(() => ({ checkpoints: [] })),
      ]);
      this.corpora = corpora.corpora;
      this.runs = runs.runs;
      this.savedModels = checkpoints.checkpoints;
      for (const run of runs.runs) if (run.progress) this.progress[run.id] = progressOf(run);
      this.form.corpusId ??= this.corpora[0]?.id ?? null;
      this.form.pairsCorpusId ??= this.corpora[0]?.id ?? null;
      await this.loadPresets();
      this.error = null;
    } catch (e) {
      this.error = `Could not load training data: ${errorText(e)}`;
      return;
    }
    const current = this.queue[0] ?? this.runs[0];
    if (current && this.selectedRunId === null) await this.select(current.id);
  }

  /** The presets with estimates for the chosen corpus, and what a run can start from. */
  async loadPresets(): Promise<void> {
    const corpusId = this.form.corpusId ?? undefined;
    const listed = await this.#api.presets.list(corpusId === undefined ? {} : { corpusId });
    this.presets = listed.presets;
    this.backend = listed.backend;
    this.starter = listed.starter ?? null;
    this.dialogueStarter = listed.dialogueStarter ?? null;
    // A starter is the default for its purpose when this build ships one; a choice that is not offered goes back to the default.
    const lm = startFromOptions(this.#starterOption('lm'), modelOptions(this.savedModels, 'lm'));
    if (!lm.some((o) => o.value === this.form.from)) this.form.from = this.#defaultFrom('lm');
    const seq2seq = startFromOptions(this.#starterOption(this.form.task), modelOptions(this.savedModels, this.form.task));
    if (!seq2seq.some((o) => o.value === this.form.seq2seqFrom)) this.form.seq2seqFrom = this.#defaultFrom(this.form.task);
    this.#fitPreset();
  }

  /** The starter a model for `purpose` can start from, as the form offers it (null: none shipped). */
  #starterOption(purpose: ModelPurpose): { label: string; checkpointId?: number | null } | null {
    if (purpose === 'lm') return this.starter ? { label: `The starter model (${this.starter.name})`, checkpointId: this.starter.checkpointId ?? null } : null;
    if (purpose === 'dialogue') {
      return this.dialogueStarter ? { label: `The starter dialogue model (${this.dialogueStarter.name})`, checkpointId: this.dialogueStarter.checkpointId ?? null } : null;
    }
    return null; // there is no starter summarizer
  }

  /** What a model for `purpose` starts from unless the writer says: its starter when shipped, else scratch. */
  #defaultFrom(purpose: ModelPurpose): StartFromChoice {
    return this.#starterOption(purpose) ? STARTER : SCRATCH;
  }

  /** Estimated seconds for a preset on the current backend, or null. */
  estimate(preset: Preset): number | null {
    const mine = preset.estimates.find((e) => e.backend === this.backend) ?? preset.estimates[0];
    return mine?.seconds ?? null;
  }

  setKind(kind: 'lm' | 'seq2seq'): void {
    this.form.kind = kind;
    this.#fitPreset();
  }

  setFrom(from: StartFromChoice): void {
    if (this.form.kind === 'lm') this.form.from = from;
    else this.form.seq2seqFrom = from;
    this.#fitPreset();
  }

  /** A new task starts from its own default: no model the other task could start from (scratch aside) serves it. */
  setTask(task: Seq2seqTask): void {
    if (task === this.form.task) return;
    this.form.task = task;
    this.form.seq2seqFrom = this.#defaultFrom(task);
    this.#fitPreset();
  }

  setAdaptBudget(budget: Budget): void {
    this.form.adaptBudget = budget;
  }

  async setCorpus(corpusId: number | null): Promise<void> {
    this.form.corpusId = corpusId;
    try {
      await this.loadPresets();
    } catch (e) {
      this.error = `Could not estimate for this corpus: ${errorText(e)}`;
    }
  }

  setPreset(name: string): void {
    this.form.preset = name;
    if (this.form.advanced) this.setAdvanced(true);
  }

  /** Keeps the chosen preset if it fits the kind and starting model, else the first that does (advanced settings follow it). */
  #fitPreset(): void {
    if (!this.kindPresets.some((p) => p.name === this.form.preset)) this.form.preset = this.kindPresets[0]?.name ?? '';
    if (this.form.advanced) this.setAdvanced(true);
  }

  /** Opens advanced settings starting from the chosen preset's values. */
  setAdvanced(on: boolean): void {
    this.form.advanced = on;
    if (!on) return;
    const preset = this.kindPresets.find((p) => p.name === this.form.preset);
    if (preset?.kind === 'lm') this.form.lm = { ...preset.config };
    if (preset?.kind === 'seq2seq') this.form.seq2seq = { ...preset.config };
  }

  /** True when the form's model adapts a model (its size is the parent's). */
  get adapting(): boolean {
    return this.fromChoice !== SCRATCH;
  }

  /**
   * True when an encoder–decoder adapts a model: there is no preset for it, so the form asks only for a budget
   * and the service fills in its fine-tuning settings (no advanced settings: their values would be guesses).
   */
  get adaptingEncoderDecoder(): boolean {
    return this.form.kind === 'seq2seq' && this.adapting;
  }

  startInput(): ApiInput<'runs.start'> | string {
    const f = this.form;
    const name = f.name.trim() || undefined;
    const preset = f.preset || undefined;
    if (!preset && !f.advanced && !this.adaptingEncoderDecoder) return 'Choose a preset or open the advanced settings.';
    if (f.kind === 'lm') {
      if (f.corpusId === null) return 'Choose a corpus to train on.';
      const from = parentRequest(f.from);
      const advanced = f.advanced && f.lm ? $state.snapshot(f.lm) : undefined;
      const settings = advanced && from ? withoutArchitecture(advanced) : advanced;
      const config = settings || from ? { ...settings, ...(from ? { from } : {}) } : undefined;
      return { kind: 'lm', corpusId: f.corpusId, name, preset, ...(config ? { config } : {}) };
    }
    let pairs: PairsSource;
    if (f.pairsKind === 'mined') {
      if (f.pairsCorpusId === null) return 'Choose a corpus to mine pairs from.';
      pairs = { kind: 'mined', corpusId: f.pairsCorpusId };
    } else {
      if (!f.pairsPath.trim()) return 'Give the path of a pairs file.';
      pairs = { kind: 'file', path: f.pairsPath.trim() };
    }
    const from = parentRequest(f.seq2seqFrom);
    if (from) return { kind: 'seq2seq', pairs, task: f.task, name, config: { from, budget: $state.snapshot(f.adaptBudget) } };
    const config = f.advanced && f.seq2seq ? $state.snapshot(f.seq2seq) : undefined;
    return { kind: 'seq2seq', pairs, task: f.task, name, preset, ...(config ? { config } : {}) };
  }

  #estimateRequest = 0;

  /** Asks the service how long the run the form describes would take (a stale answer is dropped). */
  async refreshEstimate(): Promise<void> {
    const input = this.startInput();
    const request = ++this.#estimateRequest;
    if (typeof input === 'string') {
      this.runEstimate = null;
      return;
    }
    try {
      const estimate = await this.#api.runs.estimate(input);
      if (request === this.#estimateRequest) this.runEstimate = estimate;
    } catch {
      // An input the service refuses is refused again, with its reason, by Start.
      if (request === this.#estimateRequest) this.runEstimate = null;
    }
  }

  async start(): Promise<void> {
    const input = this.startInput();
    if (typeof input === 'string') {
      this.error = input;
      return;
    }
    this.starting = true;
    try {
      const run = await this.#api.runs.start(input);
      this.runs = [run, ...this.runs.filter((r) => r.id !== run.id)];
      this.error = null;
      this.status = `Started “${run.name}”.`;
      if (input.config?.from) this.status = `Started “${run.name}”: it adapts ${this.#fromLabel()} to your ${input.kind === 'lm' ? 'writing' : 'pairs'}.`;
      await this.select(run.id);
    } catch (e) {
      this.error = `Could not start training: ${errorText(e)}`;
    } finally {
      this.starting = false;
    }
  }

  #fromLabel(): string {
    if (this.fromChoice === STARTER) return this.form.kind === 'lm' ? 'the starter model' : 'the starter dialogue model';
    return `“${this.models.find((m) => m.value === this.fromChoice)?.label ?? 'the model'}”`;
  }

  pause = (runId: number) => this.#control('pause', runId);
  resume = (runId: number) => this.#control('resume', runId);
  cancel = (runId: number) => this.#control('cancel', runId);

  async #control(action: 'pause' | 'resume' | 'cancel', runId: number): Promise<void> {
    try {
      this.#replace(await this.#api.runs[action]({ runId }));
    } catch (e) {
      this.error = `Could not ${action} the run: ${errorText(e)}`;
    }
  }

  async select(runId: number): Promise<void> {
    this.selectedRunId = runId;
    this.curve = new LossCurve();
    this.curveVersion++;
    this.#buffered = [];
    try {
      const [metrics, detail] = await Promise.all([
        this.#api.runs.metrics({ runId, names: [LOSS_METRIC], splits: ['train', 'validation'] }),
        this.#api.runs.get({ runId }),
      ]);
      if (this.selectedRunId !== runId) return;
      const find = (split: string) => metrics.series.find((s) => s.name === LOSS_METRIC && s.split === split) ?? { steps: [], values: [] };
      const curve = new LossCurve();
      curve.replace(alignSeries([find('train'), find('validation')]));
      for (const e of this.#buffered ?? []) curve.add(e.step, e.trainLoss, e.valLoss);
      this.curve = curve;
      this.curveVersion++;
      this.#replace(detail.run);
      this.checkpoints[runId] = detail.checkpoints;
      this.samples[runId] = mergeSamples(detail.samples, this.samples[runId] ?? []);
    } catch (e) {
      this.error = `Could not load the run: ${errorText(e)}`;
    } finally {
      if (this.selectedRunId === runId) this.#buffered = null;
    }
  }

  #onProgress(e: Progress): void {
    this.progress[e.runId] = e;
    if (e.sample) this.samples[e.runId] = mergeSamples(this.samples[e.runId] ?? [], [{ step: e.step, text: e.sample }]);
    const run = this.runs.find((r) => r.id === e.runId);
    if (run && run.status === 'queued') run.status = 'running';
    if (e.runId !== this.selectedRunId) return;
    if (this.#buffered) this.#buffered.push(e);
    if (this.curve.add(e.step, e.trainLoss, e.valLoss)) this.curveVersion++;
  }

  #onStatus(e: EventPayload<'run.status'>): void {
    const run = this.runs.find((r) => r.id === e.runId);
    if (!run) {
      void this.#refreshRuns();
      return;
    }
    run.status = e.status;
    run.error = e.error ?? null;
    if (e.status === 'failed') this.status = `“${run.name}” failed: ${e.error ?? 'no reason given'}`;
    if (e.status === 'finished') this.status = `“${run.name}” finished.`;
  }

  async #refreshRuns(): Promise<void> {
    try {
      this.runs = (await this.#api.runs.list({ limit: 100 })).runs;
    } catch {
      // The next status event or a reload retries.
    }
  }

  #replace(run: Run): void {
    const i = this.runs.findIndex((r) => r.id === run.id);
    if (i >= 0) this.runs[i] = run;
    else this.runs = [run, ...this.runs];
  }
}

function progressOf(run: Run): Progress {
  return { runId: run.id, ...run.progress! };
}
