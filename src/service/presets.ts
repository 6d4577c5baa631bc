/**
 * Training presets: typed JSON in resources/presets (see its README for the file format and how time estimates
 * are computed), read once at start-up. A preset trains a new model (a complete config for each kind, with
 * the documented speed of that model per backend) or adapts one (`fineTune`: a few settings over the
 * fine-tuning defaults of src/train/config.ts, for language models; the size is the parent's). `presets.list`
 * adds estimated training times per backend; `runs.start` takes a preset's config as the base it merges
 * overrides onto.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { backendNames } from '../compute/backends.js';
import { LmConfig, LmConfigInput, Seq2seqModelConfig, type Preset } from '../contract/index.js';
import { FINE_TUNE_DEFAULTS, LM_DEFAULTS } from '../train/config.js';
import { type DataSize, estimateSeconds } from './estimate.js';
import type { DocumentedSpeed, Speed } from './throughput.js';
import { costPerToken } from './throughput.js';

const TokensPerSecond = z.record(z.string(), z.number().positive());

const NewLm = z.strictObject({ config: LmConfig, tokensPerSecond: TokensPerSecond });
const FineTuneLm = z.strictObject({ fineTune: z.literal(true), config: LmConfigInput.refine((c) => c.from === undefined, 'a preset does not choose the model to start from') });
const NewSeq2seq = z.strictObject({ config: Seq2seqModelConfig, tokensPerSecond: TokensPerSecond });

export const PresetFile = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
  order: z.number(),
  label: z.string().min(1).max(40),
  description: z.string().max(300),
  lm: z.union([NewLm, FineTuneLm]),
  /** Fine-tuning presets are for language models only. */
  seq2seq: NewSeq2seq.optional(),
});
export type PresetFile = z.infer<typeof PresetFile>;

type Kind = 'lm' | 'seq2seq';
type AnyConfig = LmConfig | Seq2seqModelConfig;

/** Data sizes a list is estimated for when no corpus is given: a typical novel, a typical set of pairs. */
export const TYPICAL_DATA: Record<Kind, DataSize> = {
  lm: { tokensPerEpoch: 450_000, tokensPerStep: 32 * 64 },
  seq2seq: { tokensPerEpoch: 300_000, tokensPerStep: 32 * 15 },
};

/** A preset for one kind: its config (complete, or the few settings a fine-tuning preset sets) and whether it adapts a model. */
export interface KindPreset {
  config: Record<string, unknown>;
  fineTune: boolean;
}

export interface Estimator {
  backend: string | null;
  /** Backends that cannot run here (their estimate is null). */
  unavailable: ReadonlySet<string>;
  speed(kind: Kind, config: AnyConfig, backend: string): Speed | null;
}

export class PresetCatalog {
  readonly #files: PresetFile[];

  constructor(files: PresetFile[]) {
    this.#files = [...files].sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  }

  /** Reads every *.json in `dir`; a file that does not parse is reported through `onError` and skipped. */
  static async load(dir: string, onError: (message: string) => void = () => undefined): Promise<PresetCatalog> {
    let names: string[] = [];
    try {
      names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json')).sort();
    } catch (error) {
      onError(`cannot read presets from ${dir}: ${(error as Error).message}`);
    }
    const files: PresetFile[] = [];
    for (const name of names) {
      try {
        const parsed = PresetFile.safeParse(JSON.parse(await fs.readFile(path.join(dir, name), 'utf8')));
        if (parsed.success) files.push(parsed.data);
        else onError(`preset ${name} is invalid: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
      } catch (error) {
        onError(`preset ${name} cannot be read: ${(error as Error).message}`);
      }
    }
    return new PresetCatalog(files);
  }

  names(kind?: Kind): string[] {
    return this.#files.filter((f) => !kind || f[kind]).map((f) => f.name);
  }

  preset(kind: Kind, name: string): KindPreset | undefined {
    const part = this.#files.find((f) => f.name === name)?.[kind];
    if (!part) return undefined;
    return { config: structuredClone(part.config) as Record<string, unknown>, fineTune: 'fineTune' in part };
  }

  /**
   * The speed documented for a model of `config`'s kind: the documented preset model nearest in cost per token
   * that has a figure for `backend` (the estimate scales it to `config`'s size).
   */
  documented(kind: Kind, config: AnyConfig, backend: string): DocumentedSpeed | null {
    const cost = costPerToken(kind, config);
    const candidates: DocumentedSpeed[] = [];
    for (const f of this.#files) {
      const part = f[kind];
      if (!part || !('tokensPerSecond' in part)) continue;
      const speed = part.tokensPerSecond[backend];
      if (speed !== undefined) candidates.push({ config: part.config, tokensPerSecond: speed });
    }
    const distance = (d: DocumentedSpeed) => Math.abs(Math.log(costPerToken(kind, d.config) / cost));
    return candidates.sort((a, b) => distance(a) - distance(b))[0] ?? null;
  }

  /** Every preset of `kind` (or both kinds) with its estimated time per backend for data of `sizeFor`'s size (else typical). */
  list(kind: Kind | undefined, sizeFor: (kind: Kind, config: AnyConfig) => DataSize | undefined, estimator: Estimator): Preset[] {
    const kinds: Kind[] = kind ? [kind] : ['lm', 'seq2seq'];
    const out: Preset[] = [];
    for (const k of kinds) {
      for (const file of this.#files) {
        const part = file[k];
        if (!part) continue;
        const fineTune = 'fineTune' in part;
        // A fine-tuning preset shows its settings over the fine-tuning defaults; the size shown is the
        // default one, which the starting model's replaces when a run starts.
        const config = (fineTune ? LmConfig.parse({ ...LM_DEFAULTS, ...FINE_TUNE_DEFAULTS, ...part.config }) : part.config) as AnyConfig;
        const size = sizeFor(k, config) ?? TYPICAL_DATA[k];
        const estimates = backendNames.map((backend) => {
          if (estimator.unavailable.has(backend)) return { backend, seconds: null };
          const speed = estimator.speed(k, config, backend);
          const budget = config.budget;
          return { backend, seconds: speed ? estimateSeconds(budget, size, speed.tokensPerSecond) : 'minutes' in budget ? budget.minutes * 60 : null };
        });
        out.push({ name: file.name, label: file.label, description: file.description, estimates, kind: k, config, ...(fineTune ? { fineTune } : {}) } as Preset);
      }
    }
    return out;
  }
}
