/**
 * Checkpoints: saved models of a run (the best by validation loss and the last are flagged), their export to a
 * folder and import from a Longhand checkpoint folder or a plain TF.js Layers model (`model.json`).
 */
import { z } from 'zod';
import { AbsolutePath, Id, Timestamp } from './primitives.js';
import { ModelKind, Run, RunName, RunSample, Seq2seqTask } from './runs.js';

export const Checkpoint = z.object({
  id: Id,
  runId: Id,
  runName: z.string(),
  kind: ModelKind,
  /** For seq2seq checkpoints: what the model was trained to do. */
  task: Seq2seqTask.nullable(),
  step: z.int().nonnegative(),
  bytes: z.int().nonnegative(),
  createdAt: Timestamp,
  isBest: z.boolean(),
  isLast: z.boolean(),
  /** Metric values at this step, e.g. `{ "validation.loss": 1.42 }` (null where NaN). */
  metrics: z.record(z.string(), z.number().nullable()),
});

export const CheckpointsListInput = z.strictObject({
  runId: Id.optional(),
  kind: ModelKind.optional(),
  task: Seq2seqTask.optional(),
});
export const CheckpointsListOutput = z.object({ checkpoints: z.array(Checkpoint) });

export const CheckpointIdInput = z.strictObject({ checkpointId: Id });

export const CheckpointsExportInput = z.strictObject({
  checkpointId: Id,
  /** An existing folder; the checkpoint is written into a new sub-folder named after the run and step. */
  folder: AbsolutePath,
});
export const CheckpointsExportOutput = z.object({ path: z.string() });

export const CheckpointsImportInput = z.strictObject({
  /** A Longhand checkpoint folder, or a TF.js Layers model folder or its `model.json`. */
  path: AbsolutePath,
  name: RunName.optional(),
});

export const RunsGetOutput = z.object({
  run: Run,
  checkpoints: z.array(Checkpoint),
  /** The latest samples generated during training, oldest first. */
  samples: z.array(RunSample),
});

export type Checkpoint = z.infer<typeof Checkpoint>;
