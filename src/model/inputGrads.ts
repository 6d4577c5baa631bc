/**
 * The input side of a recurrent layer's gradients, from dGates = d loss / d (x_t·W + b) [N, G·H] (N = T·B):
 * bias = Σ rows, kernel = Xᵀ·dGates, dX = dGates·Wᵀ.
 *
 * For the first layer X is rows of the embedding picked by token id. When the vocabulary is smaller than N,
 * the forward pass took the projection from a table embedding·W + b [V, G·H] (./projection.ts), and its
 * gradient dTable is dGates rows summed per token id (a one-hot scatter, in JS); then kernel = Embᵀ·dTable and
 * dEmb = dTable·Wᵀ are two small matMuls, instead of two [N, …] ones.
 */
import { tf } from '../compute/tf.js';
import { gradMatMul, transpose2d } from './ops.js';

export interface InputGrads {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D;
}

/** Kernel, bias and embedding gradients of the first layer; `ids` are time-major token ids (N). */
export function embeddingLayerGrads(
  ids: Int32Array,
  dGates: tf.Tensor2D,
  embedding: tf.Tensor2D,
  kernel: tf.Tensor2D,
): InputGrads & { embedding: tf.Tensor2D } {
  const [n, width] = dGates.shape;
  const vocab = embedding.shape[0];
  const data = dGates.dataSync() as Float32Array;
  if (vocab <= n) {
    const table = scatterAddRows(ids, data, width, vocab);
    const tableTensor = tf.tensor2d(table, [vocab, width]);
    return {
      kernel: tf.matMul(transpose2d(embedding), tableTensor),
      // Σ over rows of dGates = Σ over the (fewer) rows of the table.
      bias: tf.tensor1d(columnSums(table, vocab, width)),
      embedding: tf.matMul(tableTensor, transpose2d(kernel)),
    };
  }
  const inputs = tf.gather(embedding, tf.tensor1d(ids, 'int32')) as tf.Tensor2D;
  const dInputs = tf.matMul(dGates, transpose2d(kernel));
  const dEmbedding = scatterAddRows(ids, dInputs.dataSync() as Float32Array, embedding.shape[1], vocab);
  return {
    kernel: gradMatMul(inputs, dGates),
    bias: tf.tensor1d(columnSums(data, n, width)),
    embedding: tf.tensor2d(dEmbedding, embedding.shape),
  };
}

/** Kernel, bias and input gradients of a layer fed by another layer: inputs [N, in]. */
export function innerLayerGrads(
  inputs: tf.Tensor2D,
  dGates: tf.Tensor2D,
  kernel: tf.Tensor2D,
): InputGrads & { dInputs: tf.Tensor2D } {
  const [n, width] = dGates.shape;
  return {
    kernel: gradMatMul(inputs, dGates),
    bias: tf.tensor1d(columnSums(dGates.dataSync() as Float32Array, n, width)),
    dInputs: tf.matMul(dGates, transpose2d(kernel)),
  };
}

/**
 * Column sums of a row-major [rows, cols] matrix, in JS: tf.sum over axis 0 transposes first on wasm and
 * took ~18 ms for [2048, 1024], this takes ~2 ms.
 */
export function columnSums(data: Float32Array, rows: number, cols: number): Float32Array {
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) acc[c] = acc[c]! + data[base + c]!;
  }
  return Float32Array.from(acc);
}

/** Rows of a [ids.length, cols] matrix summed by id into [vocab, cols] (the transpose of a one-hot matMul). */
export function scatterAddRows(ids: Int32Array, data: Float32Array, cols: number, vocab: number): Float32Array {
  const acc = new Float64Array(vocab * cols);
  for (let r = 0; r < ids.length; r++) {
    const to = ids[r]! * cols;
    const from = r * cols;
    for (let c = 0; c < cols; c++) acc[to + c] = acc[to + c]! + data[from + c]!;
  }
  return Float32Array.from(acc);
}
