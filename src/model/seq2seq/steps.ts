/**
 * Moving sequences between one big tensor and per-step tensors, done from JS with one read: on wasm a
 * `slice` copies its whole input, so cutting a [T·B, n] tensor into T steps (or columns) with tf ops costs T
 * full copies (docs/performance.md, "LSTM engine"). Rows are time-major: row t·B + b is step t of example b.
 */
import { tf } from '../../compute/tf.js';
import { dropoutMask, dropoutMaskRows } from '../dropout.js';
import type { Rng } from '../rng.js';

/**
 * Embedding rows for every step, [B, E] each, from the table's data and batch-major ids [B, T]; with `extra`
 * (batch-major [B, T]) each row gets it as one more column, [B, E + 1].
 */
export function embedSteps(table: Float32Array, width: number, ids: Int32Array, batch: number, steps: number, extra: Float32Array | null = null): tf.Tensor2D[] {
  const out: tf.Tensor2D[] = [];
  const cols = width + (extra ? 1 : 0);
  for (let t = 0; t < steps; t++) {
    const rows = new Float32Array(batch * cols);
    for (let b = 0; b < batch; b++) {
      const id = ids[b * steps + t]!;
      rows.set(table.subarray(id * width, (id + 1) * width), b * cols);
      if (extra) rows[b * cols + width] = extra[b * steps + t]!;
    }
    out.push(tf.tensor2d(rows, [batch, cols]));
  }
  return out;
}

/** The first `width` columns of row-major [rows, cols] data (drops trailing feature columns). */
export function leadingColumns(data: Float32Array, rows: number, cols: number, width: number): Float32Array {
  if (cols === width) return data;
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) out.set(data.subarray(r * cols, r * cols + width), r * width);
  return out;
}

/**
 * Cuts time-major rows [T·B, Σ widths] into per-step values per column group: parts[p][t] is [B, widths[p]]
 * row-major. `rowScale` (length T·B·Σ widths) multiplies elementwise first (a dropout mask).
 */
export function stepColumns(x: tf.Tensor2D, steps: number, widths: number[], rowScale: Float32Array | null = null): Float32Array[][] {
  const [total, cols] = x.shape;
  const batch = total / steps;
  if (!Number.isInteger(batch)) throw new Error(`stepColumns: ${total} rows do not split into ${steps} steps`);
  if (widths.reduce((a, b) => a + b, 0) !== cols) throw new Error(`stepColumns: widths ${widths} do not add up to ${cols}`);
  const data = x.dataSync() as Float32Array;
  const parts: Float32Array[][] = widths.map(() => []);
  for (let t = 0; t < steps; t++) {
    let offset = 0;
    widths.forEach((width, p) => {
      const out = new Float32Array(batch * width);
      for (let b = 0; b < batch; b++) {
        const row = (t * batch + b) * cols + offset;
        if (rowScale) for (let j = 0; j < width; j++) out[b * width + j] = data[row + j]! * rowScale[row + j]!;
        else out.set(data.subarray(row, row + width), b * width);
      }
      parts[p]!.push(out);
      offset += width;
    });
  }
  return parts;
}

/** Hold masks per step (one 0/1 per row, 1 on real positions), null for steps where every row is real. */
export function holdMasks(lengths: Int32Array, steps: number): (Float32Array | null)[] {
  const batch = lengths.length;
  const out: (Float32Array | null)[] = [];
  for (let t = 0; t < steps; t++) {
    let all = true;
    const m = new Float32Array(batch);
    for (let b = 0; b < batch; b++) {
      m[b] = t < lengths[b]! ? 1 : 0;
      if (m[b] === 0) all = false;
    }
    out.push(all ? null : m);
  }
  return out;
}

/** Per-step inverted-dropout masks [B, width] and the same as one time-major Float32Array, or nulls. */
export function stepDropout(rng: Rng | null, rate: number, steps: number, batch: number, width: number): { steps: tf.Tensor2D[]; all: Float32Array } | null {
  if (!rng || rate <= 0) return null;
  const all = rng.rows ? dropoutMaskRows(steps, rng.rows.batch, rng.rows.from, batch, width, rate, rng) : dropoutMask(steps * batch * width, rate, rng);
  const size = batch * width;
  return { steps: Array.from({ length: steps }, (_, t) => tf.tensor2d(all.subarray(t * size, (t + 1) * size), [batch, width])), all };
}

/** Time-major rows [T·B, n] → batch-major [B, T, n] (one transpose; cheap for this layout). */
export function toBatchMajor(rows: tf.Tensor2D, steps: number): tf.Tensor3D {
  const [total, n] = rows.shape;
  return tf.transpose(tf.reshape(rows, [steps, total / steps, n]), [1, 0, 2]);
}

/** Batch-major [B, T, n] → time-major rows [T·B, n]. */
export function toTimeMajor(x: tf.Tensor3D): tf.Tensor2D {
  const [batch, steps, n] = x.shape;
  return tf.reshape(tf.transpose(x, [1, 0, 2]), [steps * batch, n]);
}

/** Batch-major [B, T] ids → time-major order (t, then b). */
export function timeMajorIds(ids: Int32Array, batch: number, steps: number): Int32Array {
  const out = new Int32Array(ids.length);
  for (let b = 0; b < batch; b++) for (let t = 0; t < steps; t++) out[t * batch + b] = ids[b * steps + t]!;
  return out;
}
