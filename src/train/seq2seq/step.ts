/**
 * One optimiser step for a Seq2seqModel: hand-written gradients, global-norm clipping (PyTorch's rule) and an
 * Adam update, the same contract as the language model's trainer (../step.ts): a non-finite loss or gradient
 * norm skips the update. Dropout masks are seeded from (seed, step), so an exported and re-imported trainer
 * continues exactly as an uninterrupted one.
 */
import { tf } from '../../compute/tf.js';
import { sumOfSquares } from '../../model/ops.js';
import { combineSeeds } from '../../model/rng.js';
import type { Seq2seqModel } from '../../model/seq2seq/model.js';
import type { Seq2seqBatch } from '../../model/seq2seq/types.js';
import { ADAM, Adam, type OptimizerState } from '../optimizer.js';

export interface Seq2seqTrainerOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Rescale gradients whose global L2 norm exceeds this; 0 disables clipping. */
  clipNorm?: number;
  /** λ of the coverage loss (models with coverage). Default 1. */
  coverageWeight?: number;
  /** Seed of the dropout masks (combined with the step number). */
  seed?: number;
}

export interface Seq2seqStepReport {
  /** Mean NLL per target token before the update. */
  loss: number;
  coverageLoss: number;
  tokens: number;
  gradNorm: number;
  applied: boolean;
}

export class Seq2seqTrainer {
  private readonly adam: Adam;
  private lastReport: Seq2seqStepReport | null = null;

  constructor(
    readonly model: Seq2seqModel,
    private readonly options: Seq2seqTrainerOptions,
  ) {
    if (!(options.lr > 0)) throw new Error(`Learning rate must be positive (got ${options.lr})`);
    this.adam = new Adam(model.variables(), model.names(), { beta1: options.beta1 ?? ADAM.beta1, beta2: options.beta2 ?? ADAM.beta2, epsilon: options.epsilon ?? ADAM.epsilon });
  }

  get stepCount(): number {
    return this.adam.step;
  }

  get last(): Seq2seqStepReport | null {
    return this.lastReport;
  }

  step(batch: Seq2seqBatch, lrOverride?: number): Seq2seqStepReport {
    const { loss, coverageLoss, tokens, grads } = this.model.lossAndGrads(batch, {
      training: true,
      dropoutSeed: combineSeeds(this.options.seed ?? 0, this.adam.step),
      coverageWeight: this.options.coverageWeight ?? 1,
    });
    const list = this.model.names().map((name) => grads[name]!);
    try {
      const normSquared = sumOfSquares(list);
      const gradNorm = Math.sqrt(normSquared.dataSync()[0]!);
      normSquared.dispose();
      const applied = Number.isFinite(loss) && Number.isFinite(coverageLoss) && Number.isFinite(gradNorm);
      if (applied) {
        const clip = this.options.clipNorm ?? 0;
        const coef = clip > 0 ? clip / (gradNorm + 1e-6) : 1;
        this.adam.apply(list, lrOverride ?? this.options.lr, Math.min(coef, 1));
      }
      this.lastReport = { loss, coverageLoss, tokens, gradNorm, applied };
      return this.lastReport;
    } finally {
      tf.dispose(list);
    }
  }

  /**
   * Data parallelism (../parallel): the mean losses and gradients (in `model.names()` order; the caller owns them)
   * of rows [from, from + B) of a batch of `rows.batch` rows, with that batch's dropout masks, and no update.
   */
  gradients(batch: Seq2seqBatch, rows: { batch: number; from: number }): { loss: number; coverageLoss: number; tokens: number; grads: tf.Tensor[] } {
    const { loss, coverageLoss, tokens, grads } = this.model.lossAndGrads(batch, {
      training: true,
      dropoutSeed: combineSeeds(this.options.seed ?? 0, this.adam.step),
      coverageWeight: this.options.coverageWeight ?? 1,
      dropoutRows: rows,
    });
    return { loss, coverageLoss, tokens, grads: this.model.names().map((name) => grads[name]!) };
  }

  /** Data parallelism: `step`'s update from gradients summed across replicas, their norm and the batch's losses. */
  applyGradients(grads: tf.Tensor[], report: { loss: number; coverageLoss: number; tokens: number; gradNorm: number }, lr: number): void {
    const { loss, coverageLoss, gradNorm } = report;
    const applied = Number.isFinite(loss) && Number.isFinite(coverageLoss) && Number.isFinite(gradNorm);
    if (applied) {
      const clip = this.options.clipNorm ?? 0;
      const coef = clip > 0 ? clip / (gradNorm + 1e-6) : 1;
      this.adam.apply(grads, lr, Math.min(coef, 1));
    }
    this.lastReport = { ...report, applied };
  }

  exportState(): OptimizerState {
    return this.adam.exportState();
  }

  importState(state: OptimizerState): void {
    this.adam.importState(state);
  }

  dispose(): void {
    this.adam.dispose();
  }
}
