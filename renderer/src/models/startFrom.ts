/**
 * What a run starts from on the Training pane: a starter model this build ships (the default when there is one
 * for the run's purpose), nothing (a new model, from scratch), or one of the writer's models of the same purpose
 * (its best checkpoint). A language model may start from the prose starter or the writer's language models; an
 * encoder–decoder for dialogue from the dialogue starter or the writer's dialogue models; a summarizer from the
 * writer's summarizers (there is no starter summarizer). Adapting a model takes its size, so a language model
 * adapts with the fine-tuning presets and trains from scratch with the new-model presets; an encoder–decoder
 * adapts with no preset (a budget over the service's fine-tuning defaults).
 */
import type { Checkpoint, ParentModelRequest, Preset, Seq2seqTask } from '../lib/api.js';

/** The form's choice: 'starter', 'scratch', or `checkpoint:<id>`. */
export type StartFromChoice = string;

export const STARTER = 'starter';
export const SCRATCH = 'scratch';

/** What a model is for: a language model (the editor), or an encoder–decoder's task. */
export type ModelPurpose = 'lm' | Seq2seqTask;

export interface StartFromOption {
  value: StartFromChoice;
  label: string;
}

/** Settings that are a language model's parent's when adapting it (a request that names others is refused). */
export const ARCHITECTURE_KEYS = ['level', 'vocabSize', 'embed', 'hidden', 'layers', 'cell'] as const;

/** Whether a checkpoint is a model for `purpose`. */
function servesPurpose(c: Checkpoint, purpose: ModelPurpose): boolean {
  return purpose === 'lm' ? c.kind === 'lm' : c.kind === 'seq2seq' && c.task === purpose;
}

/** One option per model of `purpose` the writer has (its best checkpoint, else its last), newest run first. */
export function modelOptions(checkpoints: readonly Checkpoint[], purpose: ModelPurpose = 'lm'): StartFromOption[] {
  const byRun = new Map<number, Checkpoint>();
  for (const c of checkpoints) {
    if (!servesPurpose(c, purpose)) continue;
    const known = byRun.get(c.runId);
    if (!known || (c.isBest && !known.isBest) || (c.isBest === known.isBest && c.step > known.step)) byRun.set(c.runId, c);
  }
  return [...byRun.values()].sort((a, b) => b.runId - a.runId).map((c) => ({ value: `checkpoint:${c.id}`, label: c.runName }));
}

/**
 * The options for a purpose: its starter (when shipped), scratch, then the writer's models — without the starter's
 * own copy in the library (`checkpointId`), which would offer the same model twice.
 */
export function startFromOptions(starter: { label: string; checkpointId?: number | null } | null, models: readonly StartFromOption[]): StartFromOption[] {
  const copy = starter?.checkpointId != null ? `checkpoint:${starter.checkpointId}` : null;
  return [
    ...(starter ? [{ value: STARTER, label: starter.label }] : []),
    { value: SCRATCH, label: 'Nothing: a new model, from scratch' },
    ...models.filter((m) => m.value !== copy),
  ];
}

/** The contract's request for a choice (undefined: from scratch). */
export function parentRequest(choice: StartFromChoice): ParentModelRequest | undefined {
  if (choice === STARTER) return { kind: 'starter' };
  const id = /^checkpoint:(\d+)$/.exec(choice)?.[1];
  return id ? { kind: 'checkpoint', checkpointId: Number(id) } : undefined;
}

/**
 * The presets that fit: for a language model, fine-tuning ones when adapting a model and new-model ones from
 * scratch; for an encoder–decoder, new-model ones from scratch and none when adapting (there are no
 * fine-tuning presets for it: the run takes the service's fine-tuning defaults and the budget the form gives).
 */
export function presetsFor(presets: readonly Preset[], kind: 'lm' | 'seq2seq', choice: StartFromChoice): Preset[] {
  const adapting = choice !== SCRATCH;
  if (kind === 'seq2seq' && adapting) return [];
  return presets.filter((p) => p.kind === kind && Boolean(p.fineTune) === adapting);
}

/** Without the settings that are the parent's. */
export function withoutArchitecture<T extends object>(config: T): Partial<T> {
  const out = { ...config } as Record<string, unknown>;
  for (const key of ARCHITECTURE_KEYS) delete out[key];
  return out as Partial<T>;
}
