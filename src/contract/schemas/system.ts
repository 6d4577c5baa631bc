/**
 * Settings (which checkpoint each pane uses, theme, completion timing, the first-run welcome), the system report (compute backend and
 * why better ones are not used, data directory, versions) and training presets with time estimates.
 */
import { z } from 'zod';
import { Id, intIn } from './primitives.js';
import { LmConfigOut, ModelKind, Seq2seqModelConfigOut } from './runs.js';

export const PANES_WITH_MODELS = ['editor', 'summarizer', 'dialogue'] as const;
export const ModelPane = z.enum(PANES_WITH_MODELS);
export const Theme = z.enum(['system', 'light', 'dark']);

const paneModelsShape = { editor: Id.nullable(), summarizer: Id.nullable(), dialogue: Id.nullable() };
const completionShape = {
  /** Pause in typing before a completion is requested. */
  delayMs: intIn(50, 5000),
  /** Alternatives requested per completion (the first is shown as ghost text). */
  alternatives: intIn(1, 8),
  maxTokens: intIn(1, 200),
};

/** The first-run welcome in the editor: dismissed for good by "Got it" or "Import my writing". */
const welcomeShape = { dismissed: z.boolean() };

export const Settings = z.object({
  models: z.object(paneModelsShape),
  theme: Theme,
  completion: z.object(completionShape),
  welcome: z.object(welcomeShape),
});

export const SettingsUpdateInput = z.strictObject({
  models: z.strictObject(paneModelsShape).partial().optional(),
  theme: Theme.optional(),
  completion: z.strictObject(completionShape).partial().optional(),
  welcome: z.strictObject(welcomeShape).partial().optional(),
});

export const BACKEND_STATUSES = ['in-use', 'available', 'unavailable', 'untried'] as const;

export const BackendCandidate = z.object({
  name: z.string(),
  /** True when it loaded and computed here (false also when it was not tried: see `status`). */
  ok: z.boolean(),
  /**
   * In use, works here, does not, or was not tried (a better one worked, or LONGHAND_BACKEND chose another):
   * an untried backend is not an unavailable one. Optional for services that predate it.
   */
  status: z.enum(BACKEND_STATUSES).optional(),
  /** Why it is not usable (or a note when it is), one line. */
  reason: z.string().nullable(),
});

export const SystemReport = z.object({
  backend: z.object({ chosen: z.string().nullable(), candidates: z.array(BackendCandidate) }),
  dataDir: z.string(),
  /** e.g. `{ longhand: "0.1.0", node: "22.3.0", electron: "…", tfjs: "4.22.0" }` */
  versions: z.record(z.string(), z.string()),
  mode: z.enum(['electron', 'browser', 'cli']),
  /** Training threads and which parallelism runs them ("2 model replicas in worker threads…"); optional for older services. */
  training: z.object({ threads: z.int().min(1), cores: z.int().min(1), parallelism: z.string() }).optional(),
});

export const PresetsListInput = z.strictObject({
  kind: ModelKind.optional(),
  /** Estimate times for this corpus's size (otherwise for a typical novel). */
  corpusId: Id.optional(),
});

const presetBase = {
  name: z.string(),
  label: z.string(),
  description: z.string(),
  /** Estimated training time per backend; null when the backend cannot run here. */
  estimates: z.array(z.object({ backend: z.string(), seconds: z.number().nonnegative().nullable() })),
  /** A fine-tuning preset: it adapts a model (the starter or the writer's), and means nothing from scratch. */
  fineTune: z.boolean().optional(),
};

export const Preset = z.discriminatedUnion('kind', [
  z.object({ ...presetBase, kind: z.literal('lm'), config: LmConfigOut }),
  z.object({ ...presetBase, kind: z.literal('seq2seq'), config: Seq2seqModelConfigOut }),
]);

export const PresetsListOutput = z.object({
  presets: z.array(Preset),
  /** The backend training would use now (estimates for it are the ones to show). */
  backend: z.string().nullable(),
  /**
   * The starter language model this build ships, which a run can start from (`{kind: 'starter'}`); null: none.
   * `checkpointId`: its copy in this library, when the first run installed it (a form need not offer it twice).
   */
  starter: z.object({ name: z.string(), checkpointId: Id.nullable().optional() }).nullable().optional(),
  /**
   * The starter dialogue model this build ships, which an encoder–decoder run for dialogue can start from
   * (`{kind: 'starter'}` in a seq2seq run); null: none. There is no starter summarizer.
   */
  dialogueStarter: z.object({ name: z.string(), checkpointId: Id.nullable().optional() }).nullable().optional(),
});

export type ModelPane = z.infer<typeof ModelPane>;
export type Theme = z.infer<typeof Theme>;
export type Settings = z.infer<typeof Settings>;
export type SystemReport = z.infer<typeof SystemReport>;
export type BackendCandidate = z.infer<typeof BackendCandidate>;
export type Preset = z.infer<typeof Preset>;
