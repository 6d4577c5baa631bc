/**
 * The input side of a recurrent layer for a whole sequence, computed before the recurrence: x_t·W + b (scaled
 * for the layer's gates, see RecurrentLayer.projectionWeights) for every position in ONE matMul, read to JS in
 * one copy and handed to the recurrence per step and gate as [B, H] tensors.
 *
 * Why through JS: on wasm, `slice`/`split`/`unstack` copy their whole input to JS for every piece (T pieces of
 * a [T·B, G·H] result = T full copies) and `gather` costs ~40 ns per element, while one `dataSync` plus small
 * uploads costs a few ms per layer. The per-gate pieces let a step be `matMul(h, U_g) + P_t,g` per gate with no
 * concat and no slicing.
 *
 * The rows come either from a matMul over all positions ([T·B, G·H], row t·B + b, time-major) or, for the
 * first layer, from a table embedding·W + b ([V, G·H], one row per token) looked up by token id: the table is
 * one [V, E]×[E, G·H] matMul however long the batch, and its gradient goes back to the embedding and the kernel
 * through two small matMuls (./inputGrads.ts).
 */
import { tf } from '../compute/tf.js';
import { onWasm } from './ops.js';

export class StepInputs {
  /**
   * On wasm an upload copies the array into the wasm heap, so one array per gate serves every step: fresh
   * arrays (8 MB per pass at the standard size) drove V8 into extra mark-compacts for "external memory
   * pressure", ~6 ms per training step. The cpu backend keeps a reference to the array: fresh ones there.
   */
  private readonly scratch: Float32Array[] | null;

  private constructor(
    /** Row-major [rows, gates·hidden]. */
    private readonly data: Float32Array,
    readonly gates: number,
    readonly hidden: number,
    readonly steps: number,
    readonly batch: number,
    /** Row of each time-major position (t·B + b), or null when row = position. */
    private readonly rows: Int32Array | null,
  ) {
    this.scratch = onWasm() ? Array.from({ length: gates }, () => new Float32Array(batch * hidden)) : null;
  }

  /** From a projection of every position, time-major [T·B, gates·hidden]. */
  static fromMatrix(projected: tf.Tensor2D, gates: number, steps: number, batch: number): StepInputs {
    const [n, width] = projected.shape;
    if (n !== steps * batch || width % gates !== 0) throw new Error(`StepInputs: [${n}, ${width}] is not [${steps}·${batch}, ${gates}·H]`);
    return new StepInputs(projected.dataSync() as Float32Array, gates, width / gates, steps, batch, null);
  }

  /** From a per-token table [V, gates·hidden] and time-major token ids (T·B). */
  static fromTable(table: tf.Tensor2D, ids: Int32Array, gates: number, steps: number, batch: number): StepInputs {
    const [vocab, width] = table.shape;
    if (ids.length !== steps * batch || width % gates !== 0) throw new Error(`StepInputs: ${ids.length} ids for ${steps}·${batch} positions`);
    for (const id of ids) if (!(id >= 0 && id < vocab)) throw new Error(`StepInputs: token id ${id} outside the table of ${vocab} rows`);
    return new StepInputs(table.dataSync() as Float32Array, gates, width / gates, steps, batch, ids);
  }

  /** Step t's input of each gate, [B, H] each: new tensors in the current scope. */
  at(t: number): tf.Tensor2D[] {
    if (!(t >= 0 && t < this.steps)) throw new Error(`StepInputs: step ${t} outside 0..${this.steps - 1}`);
    const { batch, hidden, gates, data, rows } = this;
    const width = gates * hidden;
    const out: tf.Tensor2D[] = [];
    for (let g = 0; g < gates; g++) {
      const piece = this.scratch?.[g] ?? new Float32Array(batch * hidden);
      for (let b = 0; b < batch; b++) {
        const position = t * batch + b;
        const from = (rows ? rows[position]! : position) * width + g * hidden;
        piece.set(data.subarray(from, from + hidden), b * hidden);
      }
      out.push(tf.tensor2d(piece, [batch, hidden]));
    }
    return out;
  }
}
