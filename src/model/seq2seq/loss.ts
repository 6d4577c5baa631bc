/**
 * The training objective on the real (unpadded) target positions, with its gradient written out:
 *
 *   without copy   nll = −log softmax(logits)[y]
 *   with copy      P(y) = p_gen·softmax(logits)[y] + (1 − p_gen)·Σ_{j: src_j = y} α_j   (See et al. 2017),
 *                  nll = −log(P(y) + ε); y may be an extended id (a source OOV), whose vocabulary part is 0
 *   coverage       λ·Σ_j min(α_tj, cov_tj), cov_t = Σ_{t'<t} α_t'
 *
 * Everything is averaged over the N real positions. Per-position work is in JS (N and N·S are small); the
 * [N, V] parts stay in tensors: d logits = coef ⊙ softmax − scatter(coef at the label).
 */
import { tf } from '../../compute/tf.js';

/** Keeps log P finite when a label has (almost) no probability under both the vocabulary and the copy. */
const EPSILON = 1e-9;

export interface LossInput {
  /** [N, V] for the real positions, in `rows` order. */
  logits: tf.Tensor2D;
  /** Time-major row (t·B + b) of each real position. */
  rows: Int32Array;
  /** Label per real position (extended ids with copy). */
  labels: Int32Array;
  batch: number;
  targetLen: number;
  sourceLen: number;
  /** p_gen per real position (copy). */
  gen: Float32Array | null;
  /** α for every step, time-major [T·B·S] (copy or coverage). */
  alpha: Float32Array | null;
  /** Extended source ids, batch-major [B·S] (copy). */
  sourceExtended: Int32Array | null;
  /** λ of the coverage loss; 0 disables it. */
  coverageWeight: number;
}

export interface LossOutput {
  /** Σ nll over the real positions. */
  nllSum: number;
  /** Σ λ·coverage loss. */
  coverageSum: number;
  count: number;
  /** d (mean objective) / d logits [N, V]; null when not asked. */
  dLogits: tf.Tensor2D | null;
  /** d / d p_gen per real position. */
  dGen: Float32Array | null;
  /** d / d α, time-major [T·B·S] (zeros on padding). */
  dAlpha: Float32Array | null;
}

export function seq2seqLoss(input: LossInput, withGrad: boolean): LossOutput {
  const { logits, rows, labels, batch, sourceLen: steps } = input;
  const [n, vocab] = logits.shape;
  if (rows.length !== n || labels.length !== n) throw new Error(`seq2seq loss: ${rows.length} rows and ${labels.length} labels for ${n} positions`);
  const copy = input.gen !== null;
  const indices = new Int32Array(2 * n);
  for (let r = 0; r < n; r++) {
    const label = labels[r]!;
    if (!(label >= 0 && (label < vocab || copy))) throw new Error(`seq2seq loss: label ${label} outside the vocabulary of ${vocab}`);
    indices[2 * r] = r;
    indices[2 * r + 1] = label < vocab ? label : 0;
  }
  const index = tf.tensor2d(indices, [n, 2], 'int32');
  const logProbs = tf.logSoftmax(logits);
  const picked = tf.gatherND(logProbs, index).dataSync() as Float32Array;
  const coef = new Float32Array(n);
  let nllSum = 0;
  let dGen: Float32Array | null = null;
  let dAlpha: Float32Array | null = input.alpha && withGrad ? new Float32Array(input.alpha.length) : null;
  const scale = 1 / n;
  if (!copy) {
    for (let r = 0; r < n; r++) nllSum -= picked[r]!;
    coef.fill(scale);
  } else {
    const gen = input.gen!;
    const alpha = input.alpha!;
    const ext = input.sourceExtended!;
    dGen = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      const label = labels[r]!;
      const b = rows[r]! % batch;
      const g = gen[r]!;
      const pv = label < vocab ? Math.exp(picked[r]!) : 0;
      let pc = 0;
      const a = rows[r]! * steps;
      for (let j = 0; j < steps; j++) if (ext[b * steps + j] === label) pc += alpha[a + j]!;
      const p = g * pv + (1 - g) * pc + EPSILON;
      nllSum -= Math.log(p);
      const dp = -scale / p;
      dGen[r] = dp * (pv - pc);
      // d/d logits of −log P through pv: (g·pv/P)(softmax − onehot)/N.
      coef[r] = (g * pv * scale) / p;
      if (dAlpha) {
        const da = dp * (1 - g);
        for (let j = 0; j < steps; j++) if (ext[b * steps + j] === label) dAlpha[a + j]! += da;
      }
    }
  }
  let coverageSum = 0;
  if (input.coverageWeight > 0 && input.alpha) {
    coverageSum = coverageLoss(input, dAlpha, scale);
  }
  if (dAlpha && !copy && input.coverageWeight <= 0) dAlpha = null;
  let dLogits: tf.Tensor2D | null = null;
  if (withGrad) {
    const correction = new Float32Array(n);
    for (let r = 0; r < n; r++) correction[r] = labels[r]! < vocab ? coef[r]! : 0;
    // [N, V] temporaries are large (N·V floats each): keep only the result.
    dLogits = tf.tidy(() => {
      const hot = tf.scatterND(index, tf.tensor1d(correction), [n, vocab]);
      return tf.sub<tf.Tensor2D>(tf.mul(tf.exp(logProbs), tf.tensor2d(coef, [n, 1])), hot);
    });
  }
  tf.dispose([logProbs, index]);
  return { nllSum, coverageSum, count: n, dLogits, dGen: withGrad ? dGen : null, dAlpha };
}

/**
 * λ Σ min(α, cov) over the real positions; adds its gradient (scaled) to dAlpha, both the direct part and the
 * part through cov_t = Σ_{t'<t} α_t' (a reverse running sum over t).
 */
function coverageLoss(input: LossInput, dAlpha: Float32Array | null, scale: number): number {
  const { rows, batch, targetLen, sourceLen: steps, coverageWeight: lambda } = input;
  const alpha = input.alpha!;
  const real = new Uint8Array(targetLen * batch);
  for (const r of rows) real[r] = 1;
  const cov = new Float32Array(batch * steps);
  const dCov = new Float32Array(targetLen * batch * steps);
  let sum = 0;
  for (let t = 0; t < targetLen; t++) {
    for (let b = 0; b < batch; b++) {
      const row = t * batch + b;
      const a = row * steps;
      for (let j = 0; j < steps; j++) {
        const al = alpha[a + j]!;
        const c = cov[b * steps + j]!;
        if (real[row]) {
          if (al < c) {
            sum += al;
            if (dAlpha) dAlpha[a + j]! += lambda * scale;
          } else {
            sum += c;
            dCov[a + j] = lambda * scale;
          }
        }
        cov[b * steps + j] = c + al;
      }
    }
  }
  if (dAlpha) {
    // α_t' reaches every later cov_t: add Σ_{t > t'} dCov_t.
    const carry = new Float32Array(batch * steps);
    for (let t = targetLen - 1; t >= 0; t--) {
      const base = t * batch * steps;
      for (let i = 0; i < batch * steps; i++) {
        dAlpha[base + i]! += carry[i]!;
        carry[i] = carry[i]! + dCov[base + i]!;
      }
    }
  }
  return lambda * sum;
}
