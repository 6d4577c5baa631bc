/**
 * Small tensor helpers tuned for the wasm backend, where some tfjs kernels are far slower than their FLOP
 * count suggests (measured, see docs/performance.md):
 * - `slice`/`split`/`unstack` copy the WHOLE input to JS before taking the part, so cutting a [T·B, n]
 *   tensor into T pieces costs T full copies; `splitRows` does one copy instead.
 * - `transpose` of a tall 2-D matrix writes with a large stride and thrashes the cache; a two-pass blocked
 *   transpose is 4–6× faster.
 * - `tanh` is a scalar libm loop (~15 ns/element) while `sigmoid` is vectorised; tanh(x) = 2σ(2x) − 1.
 * - matMul with transposeA/transposeB falls off XNNPACK onto a naive loop, so transposes are explicit.
 */
import { tf } from '../compute/tf.js';

/** Scalar constants for one pass (created inside the caller's tidy). */
export interface Consts {
  one: tf.Scalar;
  two: tf.Scalar;
}

export function makeConsts(): Consts {
  return { one: tf.scalar(1), two: tf.scalar(2) };
}

export function onWasm(): boolean {
  return tf.getBackend() === 'wasm';
}

/** Cuts a [parts·rows, cols] tensor into `parts` tensors of [rows, cols], with one read of the input. */
export function splitRows(x: tf.Tensor2D, parts: number): tf.Tensor2D[] {
  const [total, cols] = x.shape;
  if (total % parts !== 0) throw new Error(`splitRows: ${total} rows do not split into ${parts} parts`);
  const rows = total / parts;
  if (parts === 1) return [x];
  const data = x.dataSync() as Float32Array;
  const out: tf.Tensor2D[] = [];
  const size = rows * cols;
  for (let p = 0; p < parts; p++) out.push(tf.tensor2d(data.subarray(p * size, (p + 1) * size), [rows, cols]));
  return out;
}

/** Transpose of a 2-D matrix; blocked on wasm for large matrices (see file header). */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  const [rows, cols] = x.shape;
  if (!onWasm() || rows * cols < 8192) return tf.transpose(x);
  const block = rows % 16 === 0 ? 16 : rows % 8 === 0 ? 8 : 0;
  if (block === 0) return tf.transpose(x);
  return tf.tidy(() => {
    // [R/b, b, C] → [R/b, C, b] (small stride) → [C, R/b, b] (moves b-float runs) = [C, R].
    const stage = tf.transpose(tf.reshape(x, [rows / block, block, cols]), [0, 2, 1]);
    return tf.reshape(tf.transpose(stage, [1, 0, 2]), [cols, rows]);
  });
}

/** aᵀ·b for a [n, p] and b [n, q], without matMul's slow transpose flags. */
export function matMulTN(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(transpose2d(a), b);
}

/** tanh; on wasm as 2σ(2x) − 1, which is several times faster there. */
export function tanh(x: tf.Tensor2D, k: Consts): tf.Tensor2D {
  if (!onWasm()) return tf.tanh(x);
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, k.two)), k.two), k.one);
}

/**
 * A [rows, parts·w] matrix cut into `parts` column blocks [rows, w], block p multiplied by scales[p], with one
 * read of the input (column slices on wasm copy the whole input per slice).
 */
export function splitColumns(x: tf.Tensor2D, parts: number, scales: readonly number[]): tf.Tensor2D[] {
  const [rows, cols] = x.shape;
  if (cols % parts !== 0) throw new Error(`splitColumns: ${cols} columns do not split into ${parts} parts`);
  const width = cols / parts;
  const data = x.dataSync() as Float32Array;
  const out: tf.Tensor2D[] = [];
  for (let p = 0; p < parts; p++) {
    const block = new Float32Array(rows * width);
    const scale = scales[p] ?? 1;
    for (let r = 0; r < rows; r++) {
      const from = r * cols + p * width;
      if (scale === 1) block.set(data.subarray(from, from + width), r * width);
      else for (let c = 0; c < width; c++) block[r * width + c] = scale * data[from + c]!;
    }
    out.push(tf.tensor2d(block, [rows, width]));
  }
  return out;
}

/** Columns [from, from + width) of a 2-D tensor. */
export function columns(x: tf.Tensor2D, from: number, width: number): tf.Tensor2D {
  return tf.slice(x, [0, from], [x.shape[0], width]);
}

/** Elements [from, from + width) of a 1-D tensor. */
export function range1d(x: tf.Tensor1D, from: number, width: number): tf.Tensor1D {
  return tf.slice(x, [from], [width]);
}

/** A tensor's identity for cache invalidation: tf.Variable.assign swaps the data id. */
export function dataIdOf(x: tf.Tensor): object {
  return x.dataId;
}

/** Sum of squares of every tensor as one scalar. */
export function sumOfSquares(tensors: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.addN(tensors.map((t) => tf.sum(tf.square(t)))) as tf.Scalar);
}

/** tf.tidy for results typed as interfaces (tf.tidy's TensorContainer wants index signatures). */
export function tidy<T>(fn: () => T): T {
  return tf.tidy(fn as () => tf.TensorContainer) as T;
}

/**
 * aᵀ·b for a weight gradient (a [N, p] activations, b [N, q] gradients, N = T·B large). On wasm the
 * [q, N]·[N, p] form measured a little faster than [p, N]·[N, q] (XNNPACK packs the right operand afresh
 * for every new tensor; packing the narrower one is cheaper).
 */
export function gradMatMul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (onWasm() && b.shape[1] > a.shape[1]) return transpose2d(matMulTN(b, a));
  return matMulTN(a, b);
}
