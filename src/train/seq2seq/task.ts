/**
 * The seq2seq model as a TrainingTask for the generic loop (../loop.ts): shuffled batches of
 * (source, target) pairs through the hand-written trainer (./step.ts), masked NLL on validation pairs, a
 * greedy decode of a validation source as the sample, and checkpoints holding everything a resume needs
 * (weights, Adam state, batcher position, loop state, the data's identity).
 */
import type { CheckpointDigest, WritePhase } from '../../model/checkpoint/index.js';
import { makeBatch } from '../../model/seq2seq/batch.js';
import { type LoadedSeq2seqCheckpoint, type TargetLength, saveSeq2seqCheckpoint } from '../../model/seq2seq/checkpoint.js';
import type { EncodedPair, Seq2seqCodec } from '../../model/seq2seq/codec.js';
import type { Seq2seqModel } from '../../model/seq2seq/model.js';
import type { Seq2seqBatch } from '../../model/seq2seq/types.js';
import { generateFrom } from '../../generate/seq2seq/index.js';
import { type OptimizerState, adamStateOf, withAdamSection } from '../optimizer.js';
import { betweenBatches } from '../generationFirst.js';
import type { EvalSplit, EvaluationResult, LoopState, TaskCheckpoint, TrainStepResult, TrainingTask } from '../task.js';
import type { Seq2seqSettings } from '../config.js';
import { type BatcherState, BucketBatcher, evaluationBatches } from './data.js';
import { Seq2seqTrainer } from './step.js';

export const SEQ2SEQ_TRAIN_STATE = 'longhand-seq2seq-train';

/** `trainState` of a seq2seq checkpoint written by this task. */
export interface Seq2seqTrainState {
  kind: typeof SEQ2SEQ_TRAIN_STATE;
  version: 1;
  batcher: BatcherState;
  loop: LoopState;
  /** Identity of the pairs trained on: a resume refuses changed data. */
  data: { sha256: string; pairs: number };
}

export interface Seq2seqTaskOptions {
  model: Seq2seqModel;
  codec: Seq2seqCodec;
  config: Seq2seqSettings;
  train: EncodedPair[];
  validation: EncodedPair[];
  data: Seq2seqTrainState['data'];
  /** How long this run's training targets are (written into every checkpoint). */
  targetLength?: TargetLength;
  resume?: { optimizer: OptimizerState; batcher: BatcherState };
}

export class Seq2seqTrainingTask implements TrainingTask {
  readonly stepsPerEpoch: number;
  private readonly trainer: Seq2seqTrainer;
  private readonly batcher: BucketBatcher;

  constructor(private readonly o: Seq2seqTaskOptions) {
    const { config } = o;
    this.batcher = new BucketBatcher(o.train, config.batch, config.seed, o.resume?.batcher, config.lengthBuckets);
    this.stepsPerEpoch = this.batcher.batchesPerEpoch;
    this.trainer = new Seq2seqTrainer(o.model, { lr: config.lr, clipNorm: config.clip, coverageWeight: config.coverageWeight, seed: config.seed });
    try {
      if (o.resume) this.trainer.importState(o.resume.optimizer);
    } catch (error) {
      // Optimizer state that does not fit the model: the caller gets the error, not the trainer's slots.
      this.trainer.dispose();
      throw error;
    }
  }

  get model(): Seq2seqModel {
    return this.o.model;
  }

  hasSplit(split: EvalSplit): boolean {
    return split === 'validation' && this.o.validation.length > 0;
  }

  /** The trainer (data parallelism trains its replica 0 through it: ../parallel). */
  get stepper(): Seq2seqTrainer {
    return this.trainer;
  }

  /** The next padded training batch: data parallelism draws here, so its data order is this task's. */
  nextBatch(): Seq2seqBatch {
    return makeBatch(this.batcher.next(), this.o.model.config);
  }

  trainStep(lr: number): TrainStepResult {
    const batch = this.nextBatch();
    const r = this.trainer.step(batch, lr);
    return { loss: r.loss, tokens: r.tokens, gradNorm: r.gradNorm, applied: r.applied };
  }

  async evaluate(split: EvalSplit, options: { maxTokens?: number } = {}): Promise<EvaluationResult> {
    if (split !== 'validation' || this.o.validation.length === 0) return { loss: NaN, tokens: 0, metrics: {} };
    let nll = 0;
    let tokens = 0;
    for (const pairs of evaluationBatches(this.o.validation, this.o.config.batch, options.maxTokens)) {
      const s = this.o.model.score(makeBatch(pairs, this.o.model.config));
      nll += s.nllSum;
      tokens += s.tokens;
      await betweenBatches();
    }
    const loss = nll / tokens;
    return { loss, tokens, metrics: { perplexity: Math.exp(loss) } };
  }

  /** A greedy decode of one validation source (a different one each time, by step). */
  sample({ step }: { step: number }): string {
    const pool = this.o.validation.length > 0 ? this.o.validation : this.o.train;
    const every = Math.max(1, this.o.config.sampleEvery);
    const example = pool[Math.floor(step / every) % pool.length]!;
    const handle = { model: this.o.model, codec: this.o.codec, task: this.o.config.task, step, dispose: () => undefined };
    const out = generateFrom(handle, example.source, { strategy: 'greedy', maxLength: Math.min(60, this.o.model.config.maxTargetLen) });
    const source = this.o.codec.detokenize(example.source.pieces);
    return `> ${source.length > 160 ? `${source.slice(0, 160)}…` : source}\n< ${out.text}`;
  }

  async save(dir: string, checkpoint: TaskCheckpoint, options: { onPhase?: (event: WritePhase) => void | Promise<void> } = {}): Promise<CheckpointDigest> {
    const { model, codec, config } = this.o;
    const optimizer = this.trainer.exportState();
    const trainState: Seq2seqTrainState = {
      kind: SEQ2SEQ_TRAIN_STATE,
      version: 1,
      batcher: this.batcher.state,
      loop: checkpoint.loopState,
      data: this.o.data,
    };
    return withAdamSection(optimizer, config, (section) =>
      saveSeq2seqCheckpoint(
        dir,
        { config: model.config, weights: model.weights, codec, task: config.task, ...(this.o.targetLength ? { targetLength: this.o.targetLength } : {}), step: checkpoint.step, metrics: checkpoint.metrics, optimizer: section, trainState },
        options.onPhase ? { onPhase: options.onPhase } : {},
      ),
    );
  }

  dispose(): void {
    this.trainer.dispose();
    this.o.model.dispose();
  }
}

/** Adam state and train state of a loaded checkpoint, or why it cannot be resumed from. */
export function seq2seqResumeState(loaded: LoadedSeq2seqCheckpoint): { optimizer: OptimizerState; train: Seq2seqTrainState } | string {
  const train = loaded.meta.trainState as Partial<Seq2seqTrainState> | undefined;
  if (!train || train.kind !== SEQ2SEQ_TRAIN_STATE || train.version !== 1 || !train.loop || !train.batcher || !train.data) {
    return 'it holds no training state (not written by a training run)';
  }
  const optimizer = adamStateOf(loaded.optimizer);
  return typeof optimizer === 'string' ? optimizer : { optimizer, train: train as Seq2seqTrainState };
}
