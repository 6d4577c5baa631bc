/**
 * The language model as a TrainingTask: random windows from the train split through the hand-written
 * trainer (./step.ts: Adam, clipping, NaN guard), contiguous-stream evaluation, seeded samples, and
 * checkpoints that hold everything a bit-exact resume needs (weights, Adam slots and step, the window
 * sampler's random state, the loop's state).
 */
import { tf } from '../../compute/tf.js';
import type { CheckpointDigest, LoadedLanguageModelCheckpoint, WritePhase } from '../../model/checkpoint/index.js';
import { saveLanguageModelCheckpoint } from '../../model/checkpoint/index.js';
import type { LanguageModel } from '../../model/languageModel.js';
import { combineSeeds } from '../../model/rng.js';
import type { LayerState } from '../../model/types.js';
import type { Tokenizer } from '../../text/tokenizers/index.js';
import type { LmSettings } from '../config.js';
import { DOCUMENT_SEPARATOR, type TokenBatch, type TokenSplits, WindowSampler, evaluationBatches, evaluationPlan, stepsPerEpoch } from './data.js';
import { type OptimizerState, adamStateOf, withAdamSection } from '../optimizer.js';
import { SeededRandom } from '../random.js';
import { type Trainer, createTrainer } from './step.js';
import { betweenBatches } from '../generationFirst.js';
import type { EvalSplit, EvaluationResult, LoopState, TaskCheckpoint, TrainStepResult, TrainingTask } from '../task.js';

export const LM_TRAIN_STATE = 'longhand-lm-train';

/** `trainState` of a language-model checkpoint written by this task. */
export interface LmTrainState {
  kind: typeof LM_TRAIN_STATE;
  version: 1;
  /** The window sampler's random state after the steps done. */
  samplerState: number;
  loop: LoopState;
  /** Identity of the token stream trained on: a resume refuses a different corpus. */
  corpus: { sha256: string; tokens: number };
}

export interface LmTaskOptions {
  model: LanguageModel;
  tokenizer: Tokenizer;
  splits: TokenSplits;
  config: LmSettings;
  corpus: LmTrainState['corpus'];
  /** Continue from a checkpoint: Adam state and the sampler's random state. */
  resume?: { optimizer: OptimizerState; samplerState: number };
}

export class LanguageModelTask implements TrainingTask {
  readonly stepsPerEpoch: number;
  private readonly trainer: Trainer;
  private readonly sampler: WindowSampler;

  constructor(private readonly o: LmTaskOptions) {
    const { config } = o;
    this.stepsPerEpoch = stepsPerEpoch(o.splits.train.length, config.batch, config.seq);
    this.sampler = new WindowSampler(
      o.splits.train,
      config.batch,
      config.seq,
      o.resume ? { state: o.resume.samplerState } : { seed: combineSeeds(config.seed, 1) },
    );
    this.trainer = createTrainer(o.model, { optimizer: 'adam', lr: config.lr, clipNorm: config.clip, seed: config.seed });
    if (o.resume) this.trainer.importState(o.resume.optimizer);
  }

  get model(): LanguageModel {
    return this.o.model;
  }

  /** The trainer (data parallelism trains replica 0 through it: ../parallel/lmParallel.ts). */
  get stepper(): Trainer {
    return this.trainer;
  }

  /** The next training batch: data parallelism draws here, so its data order is this task's. */
  nextBatch(): TokenBatch {
    return this.sampler.next();
  }

  hasSplit(split: EvalSplit): boolean {
    return this.o.splits[split].length >= 2;
  }

  trainStep(lr: number): TrainStepResult {
    const b = this.nextBatch();
    const x = tf.tensor2d(b.x, [b.batch, b.steps], 'int32');
    const y = tf.tensor2d(b.y, [b.batch, b.steps], 'int32');
    try {
      this.trainer.step(x, y, lr);
    } finally {
      tf.dispose([x, y]);
    }
    const last = this.trainer.last!;
    return { loss: last.loss, gradNorm: last.gradNorm, applied: last.applied, tokens: b.batch * b.steps };
  }

  async evaluate(split: EvalSplit, options: { maxTokens?: number } = {}): Promise<EvaluationResult> {
    const { evalStreams, evalChunk } = this.o.config;
    const plan = evaluationPlan(this.o.splits[split].length, evalStreams, evalChunk, options.maxTokens);
    if (plan.streams === 0) return { loss: NaN, tokens: 0, metrics: {} };
    let state: LayerState[] | undefined;
    let total = 0;
    let count = 0;
    for (const b of evaluationBatches(this.o.splits[split], plan)) {
      const x = tf.tensor2d(b.x, [b.batch, b.steps], 'int32');
      const y = tf.tensor2d(b.y, [b.batch, b.steps], 'int32');
      const out = this.o.model.loss(x, y, state);
      total += out.loss.dataSync()[0]! * b.batch * b.steps;
      count += b.batch * b.steps;
      tf.dispose([x, y, out.loss, ...stateTensors(state)]);
      state = out.finalState;
      await betweenBatches();
    }
    tf.dispose(stateTensors(state));
    const loss = total / count;
    return { loss, tokens: count, metrics: { perplexity: Math.exp(loss), bits_per_token: loss / Math.LN2 } };
  }

  /** `sampleLength` tokens after a document separator, at `sampleTemperature`, from a generator seeded by the step. */
  sample({ step }: { step: number }): string {
    const { model, tokenizer, config } = this.o;
    const rng = new SeededRandom(combineSeeds(config.seed, step, 0x5a3));
    const prompt = tokenizer.encode(DOCUMENT_SEPARATOR);
    let state: LayerState[] | undefined;
    let logits: tf.Tensor2D | null = null;
    const feed = (id: number) => {
      const out = model.step([id], state);
      tf.dispose([...stateTensors(state), ...(logits ? [logits] : [])]);
      state = out.state;
      logits = out.logits;
    };
    const ids: number[] = [];
    try {
      for (const id of prompt) feed(id);
      for (let i = 0; i < config.sampleLength && logits; i++) {
        const id = pick(logits, config.sampleTemperature, rng);
        ids.push(id);
        feed(id);
      }
    } finally {
      tf.dispose([...stateTensors(state), ...(logits ? [logits] : [])]);
    }
    return tokenizer.decode(ids, { skipSpecials: true });
  }

  async save(
    dir: string,
    checkpoint: TaskCheckpoint,
    options: { onPhase?: (event: WritePhase) => void | Promise<void> } = {},
  ): Promise<CheckpointDigest> {
    const { model, tokenizer, config } = this.o;
    const optimizer = this.trainer.exportState();
    const trainState: LmTrainState = {
      kind: LM_TRAIN_STATE,
      version: 1,
      samplerState: this.sampler.state,
      loop: checkpoint.loopState,
      corpus: this.o.corpus,
    };
    return withAdamSection(optimizer, config, (section) =>
      saveLanguageModelCheckpoint(
        dir,
        { config: model.config, weights: model.weights, tokenizer: tokenizer.toJSON(), step: checkpoint.step, metrics: checkpoint.metrics, optimizer: section, trainState },
        options.onPhase ? { onPhase: options.onPhase } : {},
      ),
    );
  }

  dispose(): void {
    this.trainer.dispose();
    this.o.model.dispose();
  }
}

/** Adam state and train state of a loaded checkpoint, or a reason why it cannot be resumed from. */
export function resumeStateOf(loaded: LoadedLanguageModelCheckpoint): { optimizer: OptimizerState; train: LmTrainState } | string {
  const train = loaded.meta?.trainState as Partial<LmTrainState> | undefined;
  if (!train || train.kind !== LM_TRAIN_STATE || train.version !== 1 || !train.loop || typeof train.samplerState !== 'number' || !train.corpus) {
    return 'it holds no training state (not written by a training run)';
  }
  const optimizer = adamStateOf(loaded.optimizer);
  return typeof optimizer === 'string' ? optimizer : { optimizer, train: train as LmTrainState };
}

function stateTensors(state: LayerState[] | undefined): tf.Tensor[] {
  return (state ?? []).flatMap((s) => (s.c ? [s.h, s.c] : [s.h]));
}

/** Samples an id from softmax(logits / temperature) of a [1, V] row. */
function pick(logits: tf.Tensor2D, temperature: number, rng: SeededRandom): number {
  const row = logits.dataSync();
  let max = -Infinity;
  for (const v of row) if (v > max) max = v;
  const weights = new Float64Array(row.length);
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += weights[i] = Math.exp((row[i]! - max) / temperature);
  let r = rng.next() * sum;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}
