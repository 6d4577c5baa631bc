/**
 * Keras-compatible weight initialisers, computed in JS from a seeded Rng so that a model's initial weights
 * depend only on its config and seed (not on the backend).
 */
import type { Rng } from './rng.js';

/** Glorot (Xavier) uniform for a [fanIn, fanOut] matrix, as Keras' `glorot_uniform`. */
export function glorotUniform(rows: number, cols: number, rng: Rng): Float32Array {
  const limit = Math.sqrt(6 / (rows + cols));
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-limit, limit);
  return out;
}

export function uniform(size: number, min: number, max: number, rng: Rng): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(min, max);
  return out;
}

/**
 * Keras' `orthogonal` for a [rows, cols] matrix: QR of a normal [max, min] matrix with the signs fixed by
 * diag(R) (modified Gram–Schmidt gives that directly), transposed when rows < cols. For a recurrent
 * kernel [H, 4H] this gives orthonormal rows.
 */
export function orthogonal(rows: number, cols: number, rng: Rng, gain = 1): Float32Array {
  const tall = Math.max(rows, cols);
  const narrow = Math.min(rows, cols);
  // Columns of the [tall, narrow] matrix, stored column by column for cache-friendly Gram–Schmidt.
  const q = new Float64Array(tall * narrow);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  for (let j = 0; j < narrow; j++) {
    const col = q.subarray(j * tall, (j + 1) * tall);
    for (let k = 0; k < j; k++) {
      const prev = q.subarray(k * tall, (k + 1) * tall);
      let dot = 0;
      for (let i = 0; i < tall; i++) dot += prev[i]! * col[i]!;
      for (let i = 0; i < tall; i++) col[i] = col[i]! - dot * prev[i]!;
    }
    let norm = 0;
    for (let i = 0; i < tall; i++) norm += col[i]! * col[i]!;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < tall; i++) col[i] = col[i]! / norm;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // q as a [tall, narrow] matrix is q[j * tall + i] for row i, column j.
      const value = rows >= cols ? q[c * tall + r]! : q[r * tall + c]!;
      out[r * cols + c] = gain * value;
    }
  }
  return out;
}
