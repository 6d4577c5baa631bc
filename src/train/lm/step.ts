/**
 * One training step for a LanguageModel: loss and hand-written gradients, global-norm clipping (PyTorch's
 * clip_grad_norm_ rule), and an Adam update. A non-finite loss or gradient norm is reported (NaN result,
 * `last.applied = false`) and the update is skipped, so the weights stay usable; the loop decides to stop.
 * Dropout masks are seeded from (seed, step number), so an exported/imported trainer continues exactly as an
 * uninterrupted one.
 */
import { tf } from '../../compute/tf.js';
import type { LanguageModel, TokenIds } from '../../model/languageModel.js';
import { sumOfSquares } from '../../model/ops.js';
import { combineSeeds } from '../../model/rng.js';
import type { LayerState } from '../../model/types.js';
import { weightEntries } from '../../model/weights.js';
import { ADAM, Adam, type OptimizerState } from '../optimizer.js';

export interface TrainerOptions {
  optimizer: 'adam';
  lr: number;
  /** Adam β1, default 0.9. */
  beta1?: number;
  /** Adam β2, default 0.999. */
  beta2?: number;
  /** Adam ε, default 1e-8 (PyTorch's; Keras uses 1e-7). */
  epsilon?: number;
  /** Rescale gradients whose global L2 norm exceeds this; 0 or absent disables clipping. */
  clipNorm?: number;
  /** Seed for dropout masks (combined with the step number). Default 0. */
  seed?: number;
}

export interface StepReport {
  /** Mean cross-entropy of the batch before the update (NaN/Infinity when the step went bad). */
  loss: number;
  /** Global L2 norm of the gradients before clipping. */
  gradNorm: number;
  /** False when the loss or gradients were not finite and the update was skipped. */
  applied: boolean;
}

export interface StepOptions {
  /** Initial recurrent state (e.g. carried over from the previous batch); zeros when absent. */
  state0?: LayerState[];
  /** Receives the final state (the caller owns it); disposed otherwise. */
  onFinalState?: (state: LayerState[]) => void;
}

/** Gradients of one batch, or of a replica's rows of one, before any update (the caller owns the tensors). */
export interface BatchGradients {
  /** Mean cross-entropy over the rows given. */
  loss: number;
  /** In weightEntries order. */
  grads: tf.Tensor[];
}

export interface Trainer {
  readonly model: LanguageModel;
  /** The dropout seed of the next step (it follows the update count, so every replica agrees on it). */
  readonly dropoutSeed: number;
  /** Updates applied so far. */
  readonly stepCount: number;
  /** The last step's details, or null before the first step. */
  readonly last: StepReport | null;
  /** Trains on one batch ([B, T] ids, targets) and returns the loss, or NaN when the step was skipped. */
  step(x: TokenIds, y: TokenIds, lrOverride?: number, options?: StepOptions): number;
  /**
   * Data parallelism (src/train/parallel): the loss and gradients of rows [from, from + B) of a batch of
   * `batch` rows, with that batch's dropout masks, and no update.
   */
  gradients(x: TokenIds, y: TokenIds, rows: { batch: number; from: number }): BatchGradients;
  /**
   * Data parallelism: the update `step` makes, from gradients summed across replicas, their global norm and the
   * batch's loss (skipped, as in `step`, when either is not finite). Every replica calling it with the same
   * numbers stays identical.
   */
  applyGradients(grads: tf.Tensor[], loss: number, gradNorm: number, lr: number): void;
  /** Optimizer slots and step count as named tensors (copies, owned by the caller). */
  exportState(): OptimizerState;
  importState(state: OptimizerState): void;
  /** Frees the optimizer's slots (not the model). */
  dispose(): void;
}

export function createTrainer(model: LanguageModel, options: TrainerOptions): Trainer {
  if (options.optimizer !== 'adam') throw new Error(`Unknown optimizer ${String(options.optimizer)}`);
  if (!(options.lr > 0)) throw new Error(`Learning rate must be positive (got ${options.lr})`);
  const entries = weightEntries(model.weights);
  const adam = new Adam(
    entries.map(([, v]) => v),
    entries.map(([name]) => name),
    { beta1: options.beta1 ?? ADAM.beta1, beta2: options.beta2 ?? ADAM.beta2, epsilon: options.epsilon ?? ADAM.epsilon },
  );
  const clipNorm = options.clipNorm ?? 0;
  const seed = options.seed ?? 0;
  let last: StepReport | null = null;
  // The same clip, guard and update for one process (`step`) and for replicas (`applyGradients`).
  const update = (gradList: tf.Tensor[], lossValue: number, gradNorm: number, lr: number): boolean => {
    const applied = Number.isFinite(lossValue) && Number.isFinite(gradNorm);
    if (applied) {
      const coef = clipNorm > 0 ? clipNorm / (gradNorm + 1e-6) : 1;
      const scale = coef < 1 ? coef : 1;
      adam.apply(gradList, lr, scale);
    }
    last = { loss: lossValue, gradNorm, applied };
    return applied;
  };

  return {
    model,
    get stepCount() {
      return adam.step;
    },
    get last() {
      return last;
    },
    get dropoutSeed() {
      return combineSeeds(seed, adam.step);
    },
    step(x, y, lrOverride, stepOptions = {}) {
      const lr = lrOverride ?? options.lr;
      const { loss, grads, finalState } = model.lossAndGrads(x, y, stepOptions.state0, {
        training: true,
        dropoutSeed: combineSeeds(seed, adam.step),
      });
      const gradList = weightEntries(grads).map(([, g]) => g);
      try {
        const normSquared = sumOfSquares(gradList);
        const [lossValue, gradNorm] = [loss.dataSync()[0]!, Math.sqrt(normSquared.dataSync()[0]!)];
        normSquared.dispose();
        return update(gradList, lossValue, gradNorm, lr) ? lossValue : NaN;
      } finally {
        tf.dispose([loss, ...gradList]);
        if (stepOptions.onFinalState) stepOptions.onFinalState(finalState);
        else tf.dispose(finalState.flatMap((s) => (s.c ? [s.h, s.c] : [s.h])));
      }
    },
    gradients(x, y, rows) {
      const { loss, grads, finalState } = model.lossAndGrads(x, y, undefined, {
        training: true,
        dropoutSeed: combineSeeds(seed, adam.step),
        dropoutRows: rows,
      });
      tf.dispose(finalState.flatMap((s) => (s.c ? [s.h, s.c] : [s.h])));
      const lossValue = loss.dataSync()[0]!;
      loss.dispose();
      return { loss: lossValue, grads: weightEntries(grads).map(([, g]) => g) };
    },
    applyGradients(grads, loss, gradNorm, lr) {
      update(grads, loss, gradNorm, lr);
    },
    exportState: () => adam.exportState(),
    importState: (state) => adam.importState(state),
    dispose: () => adam.dispose(),
  };
}
