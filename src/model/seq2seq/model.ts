/**
 * The encoder–decoder model: an embedding and (bi-)LSTM encoder, a bridge, an LSTM decoder with input
 * feeding and Bahdanau or Luong attention, optional pointer-generator copying and coverage. Weights are
 * tf.Variables keyed by the names in ./weights.ts. Training gradients are hand-written (./pass.ts); generation
 * steps live in src/generate/seq2seq on top of ./decoder.ts.
 */
import { tf } from '../../compute/tf.js';
import { tidy } from '../ops.js';
import { Rng } from '../rng.js';
import { runPass } from './pass.js';
import type { Seq2seqBatch, Seq2seqConfig, Weights } from './types.js';
import { checkSeq2seqWeights, initSeq2seqWeights, validateSeq2seqConfig, weightSpecs } from './weights.js';

export interface Seq2seqRunOptions {
  /** Apply dropout. Default false. */
  training?: boolean;
  /** Seed of the dropout masks. */
  dropoutSeed?: number;
  /** λ of the coverage loss (models with coverage). Default 1, as See et al. */
  coverageWeight?: number;
  /** This batch is rows [from, from + B) of a batch of `batch` rows: its dropout masks are those rows' (data parallelism). */
  dropoutRows?: { batch: number; from: number };
}

export interface Seq2seqLossAndGrads {
  /** Mean negative log-likelihood per real target token (nats), coverage loss excluded. */
  loss: number;
  /** Mean coverage loss per target token (λ included); 0 without coverage. */
  coverageLoss: number;
  /** Real target tokens in the batch (`</s>` included). */
  tokens: number;
  /** d (loss + coverageLoss) / d weight, by weight name; the caller owns the tensors. */
  grads: Record<string, tf.Tensor>;
}

export class Seq2seqModel {
  private constructor(
    readonly config: Seq2seqConfig,
    readonly weights: Record<string, tf.Variable>,
  ) {}

  static init(config: Seq2seqConfig, seed = 0): Seq2seqModel {
    const tensors = initSeq2seqWeights(config, seed);
    try {
      return Seq2seqModel.fromWeights(config, tensors);
    } finally {
      tf.dispose(Object.values(tensors));
    }
  }

  /** Variables initialised from `tensors` (copied; the caller keeps ownership of them). */
  static fromWeights(config: Seq2seqConfig, tensors: Weights): Seq2seqModel {
    validateSeq2seqConfig(config);
    checkSeq2seqWeights(config, tensors);
    const variables: Record<string, tf.Variable> = {};
    for (const { name } of weightSpecs(config)) {
      const t = tensors[name]!;
      variables[name] = tf.tidy(() => tf.variable(t.dtype === 'float32' ? t.clone() : tf.cast(t, 'float32'), true, undefined));
    }
    return new Seq2seqModel({ ...config, specials: { ...config.specials }, sourceSpecials: { ...config.sourceSpecials } }, variables);
  }

  /** Weight names in their fixed order. */
  names(): string[] {
    return weightSpecs(this.config).map((s) => s.name);
  }

  variables(): tf.Variable[] {
    return this.names().map((name) => this.weights[name]!);
  }

  lossAndGrads(batch: Seq2seqBatch, options: Seq2seqRunOptions = {}): Seq2seqLossAndGrads {
    const rng = options.training && this.config.dropout > 0 ? new Rng(options.dropoutSeed ?? Math.floor(Math.random() * 2 ** 32)) : null;
    if (rng && options.dropoutRows) rng.rows = options.dropoutRows;
    const result = tidy(() => runPass(this.config, this.weights, batch, { withGrad: true, rng, coverageWeight: options.coverageWeight ?? 1 }));
    return { loss: result.nllSum / result.count, coverageLoss: result.coverageSum / result.count, tokens: result.count, grads: result.grads! };
  }

  /** Summed negative log-likelihood and token count of a batch (no dropout, no gradients). */
  score(batch: Seq2seqBatch, coverageWeight = 1): { nllSum: number; coverageSum: number; tokens: number } {
    const result = tidy(() => runPass(this.config, this.weights, batch, { withGrad: false, rng: null, coverageWeight }));
    return { nllSum: result.nllSum, coverageSum: result.coverageSum, tokens: result.count };
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}
