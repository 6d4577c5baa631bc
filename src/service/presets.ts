/**
 * Training presets: typed JSON in resources/presets (see its README for the file format and how time estimates
 * are computed), read once at start-up. `presets.list` adds estimated training times per backend for a corpus
 * (or for a typical one); `runs.start` takes a preset's config as the base it merges overrides onto.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { backendNames } from '../compute/backends.js';
import { LmConfig, Seq2seqModelConfig, type Preset } from '../contract/index.js';

const TokensPerSecond = z.record(z.string(), z.number().positive());

export const PresetFile = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
  order: z.number(),
  label: z.string().min(1).max(40),
  description: z.string().max(300),
  lm: z.strictObject({ config: LmConfig, tokensPerSecond: TokensPerSecond }),
  seq2seq: z.strictObject({ config: Seq2seqModelConfig, tokensPerSecond: TokensPerSecond }),
});
export type PresetFile = z.infer<typeof PresetFile>;

/** How much text one epoch covers. */
export interface Workload {
  characters: number;
  words: number;
}

export const TYPICAL_LM_WORKLOAD: Workload = { characters: 500_000, words: 90_000 };
export const TYPICAL_SEQ2SEQ_WORKLOAD: Workload = { characters: 6_000_000, words: 1_000_000 };

const WORD_TOKENS = 1.3;
const SEQ2SEQ_TARGETS = 1.2;

type Kind = 'lm' | 'seq2seq';
type AnyConfig = LmConfig | Seq2seqModelConfig;

export function tokensPerEpoch(kind: Kind, config: AnyConfig, workload: Workload): number {
  if (kind === 'seq2seq') return workload.words * WORD_TOKENS * SEQ2SEQ_TARGETS;
  return config.level === 'char' ? workload.characters : workload.words * WORD_TOKENS;
}

/** Estimated training seconds at `tokensPerSecond`, or null when the budget is unbounded in tokens and speed is 0. */
export function estimateSeconds(kind: Kind, config: AnyConfig, workload: Workload, tokensPerSecond: number): number {
  const budget = config.budget;
  if ('minutes' in budget) return budget.minutes * 60;
  let tokens: number;
  if ('steps' in budget) {
    const perStep = kind === 'lm' ? (config as LmConfig).seq : (config as Seq2seqModelConfig).maxSourceLen + (config as Seq2seqModelConfig).maxTargetLen;
    tokens = budget.steps * config.batch * perStep;
  } else tokens = budget.epochs * tokensPerEpoch(kind, config, workload);
  return Math.round(tokens / tokensPerSecond);
}

export interface BackendAvailability {
  /** Backends that cannot run here (their estimate is null). */
  unavailable: ReadonlySet<string>;
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

  names(): string[] {
    return this.#files.map((f) => f.name);
  }

  config(kind: 'lm', name: string): LmConfig | undefined;
  config(kind: 'seq2seq', name: string): Seq2seqModelConfig | undefined;
  config(kind: Kind, name: string): AnyConfig | undefined {
    const file = this.#files.find((f) => f.name === name);
    return file ? structuredClone(file[kind].config) : undefined;
  }

  list(kind: Kind | undefined, workload: Partial<Record<Kind, Workload>>, availability: BackendAvailability): Preset[] {
    const kinds: Kind[] = kind ? [kind] : ['lm', 'seq2seq'];
    const out: Preset[] = [];
    for (const k of kinds) {
      const load = workload[k] ?? (k === 'lm' ? TYPICAL_LM_WORKLOAD : TYPICAL_SEQ2SEQ_WORKLOAD);
      for (const file of this.#files) {
        const { config, tokensPerSecond } = file[k];
        const estimates = backendNames.map((backend) => {
          const speed = tokensPerSecond[backend];
          return {
            backend,
            seconds: availability.unavailable.has(backend) || speed === undefined ? null : estimateSeconds(k, config, load, speed),
          };
        });
        out.push({ name: file.name, label: file.label, description: file.description, estimates, kind: k, config } as Preset);
      }
    }
    return out;
  }
}
