/**
 * What a language model starts from on the Training pane: the starter model this build ships (the default when
 * there is one), nothing (a new model, from scratch), or one of the writer's language models (its best
 * checkpoint). Adapting a model takes its size, so the fine-tuning presets go with a starting model and the
 * new-model presets with scratch.
 */
import type { Checkpoint, ParentModelRequest, Preset } from '../lib/api.js';

/** The form's choice: 'starter', 'scratch', or `checkpoint:<id>`. */
export type StartFromChoice = string;

export const STARTER = 'starter';
export const SCRATCH = 'scratch';

export interface StartFromOption {
  value: StartFromChoice;
  label: string;
}

/** Settings that are the starting model's when adapting one (a request that names others is refused). */
export const ARCHITECTURE_KEYS = ['level', 'vocabSize', 'embed', 'hidden', 'layers', 'cell'] as const;

/** One option per language model the writer has (its best checkpoint, else its last), newest run first. */
export function modelOptions(checkpoints: readonly Checkpoint[]): StartFromOption[] {
  const byRun = new Map<number, Checkpoint>();
  for (const c of checkpoints) {
    if (c.kind !== 'lm') continue;
    const known = byRun.get(c.runId);
    if (!known || (c.isBest && !known.isBest) || (c.isBest === known.isBest && c.step > known.step)) byRun.set(c.runId, c);
  }
  return [...byRun.values()].sort((a, b) => b.runId - a.runId).map((c) => ({ value: `checkpoint:${c.id}`, label: c.runName }));
}

/** The contract's request for a choice (undefined: from scratch). */
export function parentRequest(choice: StartFromChoice): ParentModelRequest | undefined {
  if (choice === STARTER) return { kind: 'starter' };
  const id = /^checkpoint:(\d+)$/.exec(choice)?.[1];
  return id ? { kind: 'checkpoint', checkpointId: Number(id) } : undefined;
}

/** The presets that fit: fine-tuning ones when adapting a model, new-model ones from scratch (and for encoder–decoders). */
export function presetsFor(presets: readonly Preset[], kind: 'lm' | 'seq2seq', choice: StartFromChoice): Preset[] {
  const adapting = kind === 'lm' && choice !== SCRATCH;
  return presets.filter((p) => p.kind === kind && Boolean(p.fineTune) === adapting);
}

/** Without the settings that are the parent's. */
export function withoutArchitecture<T extends object>(config: T): Partial<T> {
  const out = { ...config } as Record<string, unknown>;
  for (const key of ARCHITECTURE_KEYS) delete out[key];
  return out as Partial<T>;
}
