/**
 * Training speed on this machine, for time estimates. Every run that trains long enough here calibrates the
 * speed of its model size on its backend: when it ends, its measured speed is stored (the `throughput`
 * setting), once per size and backend, the newest run's figure replacing the older. An estimate then uses, in
 * this order: the figure measured for the same model size; a figure measured here for another size of the
 * same kind, scaled by the two sizes' cost per token; the figure documented with a preset (resources/presets),
 * scaled the same way. Language models are measured in wall-clock tokens per second (steps × batch × sequence
 * over the elapsed time, so validation and checkpoints are included); encoder–decoders in the target tokens
 * per second their progress reports.
 */
import { z } from 'zod';
import type { LmConfig, Run, RunEstimate, RunProgress, Seq2seqModelConfig } from '../contract/index.js';
import type { Store } from '../store/index.js';

export const THROUGHPUT_SETTING = 'throughput';

/** A run shorter than this says more about start-up than about speed, and is not recorded. */
export const MIN_CALIBRATION = { steps: 20, seconds: 10 };

type Kind = 'lm' | 'seq2seq';
type AnyConfig = LmConfig | Seq2seqModelConfig;

/** Characters a character-level model's output layer covers (a novel's character set), for the cost of other sizes. */
const TYPICAL_CHAR_VOCAB = 100;

const Measurement = z.object({
  kind: z.enum(['lm', 'seq2seq']),
  backend: z.string(),
  /** Relative cost of one training token of this model size (costPerToken). */
  cost: z.number().positive(),
  tokensPerSecond: z.number().positive(),
  runId: z.int(),
  measuredAt: z.string(),
});
type Measurement = z.infer<typeof Measurement>;
const Measurements = z.record(z.string(), Measurement);

/**
 * Multiply–adds per training token of a model size, up to a constant: what makes one size slower than another.
 * LSTM layers cost 4 gates × hidden × (input + hidden) (GRU 3), the output layer hidden × vocabulary; an
 * encoder–decoder pays per target token for its decoder and output, and for source tokens (longest source over
 * longest target of them per target token) through its encoder, plus attention over the source.
 */
export function costPerToken(kind: Kind, config: AnyConfig): number {
  const gates = config.cell === 'gru' ? 3 : 4;
  const vocab = config.level === 'char' ? TYPICAL_CHAR_VOCAB : (config.vocabSize ?? 8000);
  const { embed: e, hidden: h, layers } = config;
  const recurrent = (input: number, units: number) => gates * units * (input + units);
  if (kind === 'lm') {
    let cost = recurrent(e, h) + (layers - 1) * recurrent(h, h);
    cost += h * vocab;
    return cost;
  }
  const s = config as Seq2seqModelConfig;
  const half = s.bidirectional === false ? h : h / 2;
  const directions = s.bidirectional === false ? 1 : 2;
  const encoder = directions * (recurrent(e, half) + (layers - 1) * recurrent(h, half));
  const decoder = recurrent(e + h, h) + (layers - 1) * recurrent(h, h);
  const sourcePerTarget = s.maxSourceLen / s.maxTargetLen;
  return sourcePerTarget * encoder + decoder + s.maxSourceLen * h + h * vocab;
}

/** One key per model size and backend: runs of the same size calibrate the same figure. */
export function sizeKey(kind: Kind, config: AnyConfig, backend: string): string {
  const c = config as Partial<LmConfig & Seq2seqModelConfig>;
  const shape: unknown[] = [c.level, c.level === 'char' ? '' : c.vocabSize, c.embed, c.hidden, c.layers, c.cell, c.batch];
  if (kind === 'lm') shape.push(c.seq);
  else shape.push(c.maxSourceLen, c.maxTargetLen, c.attention, c.copy, c.coverage, c.bidirectional);
  return `${backend}|${kind}|${shape.join(':')}`;
}

/** The speed a run showed, or null when it trained too little to say. */
export function measuredSpeed(run: Pick<Run, 'kind' | 'config'>, progress: RunProgress | null): number | null {
  if (!progress || progress.step < MIN_CALIBRATION.steps || progress.elapsedSeconds < MIN_CALIBRATION.seconds) return null;
  if (run.kind === 'lm' && 'seq' in run.config) {
    const tokens = progress.step * run.config.batch * run.config.seq;
    return tokens / progress.elapsedSeconds;
  }
  return progress.tokensPerSec !== null && progress.tokensPerSec > 0 ? progress.tokensPerSec : null;
}

export interface Speed {
  tokensPerSecond: number;
  basis: NonNullable<RunEstimate['basis']>;
}

/** A documented speed: the preset's figure for the backend, with the preset's config it was given for. */
export interface DocumentedSpeed {
  config: AnyConfig;
  tokensPerSecond: number;
}

export class ThroughputBook {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  all(): Record<string, Measurement> {
    const parsed = Measurements.safeParse(this.#store.settings.get(THROUGHPUT_SETTING) ?? {});
    return parsed.success ? parsed.data : {};
  }

  /** Stores what a run that ended measured (nothing when it trained too little, or on no known backend). */
  record(run: Pick<Run, 'id' | 'kind' | 'config' | 'backend'>, progress: RunProgress | null): boolean {
    const speed = measuredSpeed(run, progress);
    if (speed === null || !run.backend) return false;
    const all = this.all();
    all[sizeKey(run.kind, run.config, run.backend)] = {
      kind: run.kind,
      backend: run.backend,
      cost: costPerToken(run.kind, run.config),
      tokensPerSecond: Math.round(speed * 10) / 10,
      runId: run.id,
      measuredAt: new Date().toISOString(),
    };
    this.#store.settings.set({ [THROUGHPUT_SETTING]: all });
    return true;
  }

  /** The speed to expect for `config` on `backend`: measured, scaled from another size, or documented. */
  speed(kind: Kind, config: AnyConfig, backend: string, documented: DocumentedSpeed | null): Speed | null {
    const all = this.all();
    const same = all[sizeKey(kind, config, backend)];
    if (same) return { tokensPerSecond: same.tokensPerSecond, basis: 'measured' };
    const cost = costPerToken(kind, config);
    const nearest = Object.values(all)
      .filter((m) => m.kind === kind && m.backend === backend)
      .sort((a, b) => Math.abs(Math.log(a.cost / cost)) - Math.abs(Math.log(b.cost / cost)))[0];
    if (nearest) return { tokensPerSecond: (nearest.tokensPerSecond * nearest.cost) / cost, basis: 'scaled' };
    if (!documented) return null;
    return { tokensPerSecond: (documented.tokensPerSecond * costPerToken(kind, documented.config)) / cost, basis: 'documented' };
  }
}
