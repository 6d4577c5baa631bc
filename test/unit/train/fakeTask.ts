/** A TrainingTask without a model, for loop tests: scripted losses, a fake clock that each step advances. */
import type { CheckpointDigest } from '../../../src/model/checkpoint/index.js';
import type { Checkpointer, LoopOptions } from '../../../src/train/loop.js';
import type { EvalSplit, EvaluationResult, SavedCheckpoint, TaskCheckpoint, TrainStepResult, TrainingTask } from '../../../src/train/task.js';

export interface FakeTaskOptions {
  stepsPerEpoch?: number;
  /** Train loss of step n (1-based). */
  loss?: (step: number) => number;
  gradNorm?: (step: number) => number;
  /** Validation loss of the k-th evaluation (1-based). */
  valLoss?: (k: number) => number;
  stepMs?: number;
  evalMs?: number;
  splits?: EvalSplit[];
}

export class FakeTask implements TrainingTask {
  readonly stepsPerEpoch: number;
  now = 0;
  step = 0;
  evaluations = 0;
  readonly lrs: number[] = [];
  readonly saved: TaskCheckpoint[] = [];
  disposed = false;

  constructor(private readonly o: FakeTaskOptions = {}) {
    this.stepsPerEpoch = o.stepsPerEpoch ?? 10;
  }

  readonly clock = (): number => this.now;

  hasSplit(split: EvalSplit): boolean {
    return (this.o.splits ?? ['validation', 'test']).includes(split);
  }

  trainStep(lr: number): TrainStepResult {
    this.step++;
    this.lrs.push(lr);
    this.now += this.o.stepMs ?? 1000;
    const loss = this.o.loss?.(this.step) ?? 2 / Math.sqrt(this.step);
    const gradNorm = this.o.gradNorm?.(this.step) ?? 1;
    return { loss, tokens: 100, gradNorm, applied: Number.isFinite(loss) && Number.isFinite(gradNorm) };
  }

  evaluate(split: EvalSplit): EvaluationResult {
    this.now += this.o.evalMs ?? 0;
    if (split === 'test') return { loss: 9, tokens: 10, metrics: {} };
    this.evaluations++;
    const loss = this.o.valLoss?.(this.evaluations) ?? 3 / this.evaluations;
    return { loss, tokens: 10, metrics: { perplexity: Math.exp(loss) } };
  }

  sample({ step }: { step: number }): string {
    return `sample at ${step}`;
  }

  async save(_dir: string, checkpoint: TaskCheckpoint): Promise<CheckpointDigest> {
    this.saved.push(structuredClone(checkpoint));
    return { sha256: `sha${checkpoint.step}`, bytes: 1, files: {} };
  }

  dispose(): void {
    this.disposed = true;
  }
}

/** Records what the loop saves; best = lowest validation loss, as the store would flag it. */
export class MemoryCheckpointer implements Checkpointer {
  readonly saves: SavedCheckpoint[] = [];

  async save(step: number, metrics: Record<string, number>, best: boolean, write: (dir: string) => Promise<CheckpointDigest>): Promise<SavedCheckpoint> {
    const digest = await write(`/ckpt/${step}`);
    const saved = { step, dir: `/ckpt/${step}`, sha256: digest.sha256, bytes: digest.bytes, metrics, isBest: best, isLast: true };
    this.saves.push(saved);
    return saved;
  }
}

export function loopOptions(task: FakeTask, overrides: Partial<LoopOptions> = {}): LoopOptions {
  return {
    budget: { steps: 20 },
    schedule: { peak: 1, warmupSteps: 0, decay: 'constant', minFraction: 0 },
    evalEvery: 0,
    patience: 0,
    minDelta: 0,
    divergenceFactor: 4,
    sampleEvery: 0,
    checkpointEvery: 0,
    checkpointMinutes: 0,
    logEvery: 1,
    progressIntervalMs: 0,
    smoothing: 0.1,
    testAtEnd: false,
    clock: task.clock,
    ...overrides,
  };
}
