/** What a model kind (./lm/job.ts, ./seq2seq/job.ts) offers the training job (./job.ts). */
import type { ResumePoint } from './checkpointDir.js';
import type { LmSettings, Seq2seqSettings } from './config.js';
import type { TrainingJobSpec } from './jobSpec.js';
import type { TrainingTask } from './task.js';

/** What a kind prepares for the loop. */
export interface PreparedTask {
  task: TrainingTask;
  settings: LmSettings | Seq2seqSettings;
  vocabSize: number;
  parameters: number;
  /** Model replicas training in step (1: this thread alone; see ./parallel). */
  replicas?: number;
  warnings: string[];
}

/** A model kind: how its checkpoints load to resume from, and how its task is made. */
export interface TrainingKind<S extends TrainingJobSpec, P extends ResumePoint> {
  /** Whether a finished run is evaluated on a test split. */
  testAtEnd: boolean;
  loadResumePoint(dir: string, sha256: string): Promise<P>;
  /** The task, fresh or from `point` (which it takes over). SetupError: the data cannot be trained on. */
  prepare(spec: S, point: P | null): Promise<PreparedTask>;
}
