/**
 * Mean softmax cross-entropy over all positions, with its gradient written out: (softmax − onehot) / N.
 */
import { tf } from '../compute/tf.js';

export interface CrossEntropy {
  /** Mean negative log-likelihood (nats per token). */
  loss: tf.Scalar;
  /** d loss / d logits [N, V]; only when asked for. */
  dLogits: tf.Tensor2D | null;
}

export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: Int32Array, withGrad: boolean): CrossEntropy {
  const [n, vocab] = logits.shape;
  if (labels.length !== n) throw new Error(`cross-entropy: ${labels.length} labels for ${n} positions`);
  for (const label of labels) {
    if (!(label >= 0 && label < vocab)) throw new Error(`cross-entropy: label ${label} outside vocabulary of ${vocab}`);
  }
  const oneHot = tf.tensor2d(oneHotRows(labels, vocab), [n, vocab]);
  const logProbs = tf.logSoftmax(logits);
  const loss = tf.div(tf.neg(tf.sum(tf.mul(logProbs, oneHot))), n) as tf.Scalar;
  const dLogits = withGrad ? tf.div<tf.Tensor2D>(tf.sub(tf.exp(logProbs), oneHot), n) : null;
  return { loss, dLogits };
}

/** Rows of a one-hot matrix [labels.length, vocab] as a flat Float32Array. */
export function oneHotRows(labels: Int32Array, vocab: number): Float32Array {
  const out = new Float32Array(labels.length * vocab);
  labels.forEach((label, row) => (out[row * vocab + label] = 1));
  return out;
}
