/**
 * The seq2seq model's LSTM, one step at a time, with hand-written backward steps. The decoder needs this
 * shape (input feeding makes layer 0's input at t + 1 depend on the top layer at t, so layers cannot run one
 * after the other as in the language model), and the encoder needs state holding over padding. It follows the
 * language model's engine (../lstm.ts; docs/performance.md, "LSTM engine") but is its own code so that the
 * two can be tuned separately:
 *
 * - per gate a fused [in + H, H] matMul + bias + sigmoid on concat(x, h); the candidate's weights doubled so
 *   that tanh(z) = 2σ(2z) − 1 comes out of the same op (no column slices, no tanh kernel on wasm);
 * - everything elementwise (cell update, the saved BPTT factors, the backward recurrence) is done in JS on the
 *   gates' values: at the sizes seq2seq runs (B ≤ 64, H ≤ 512) a step is then 4 matMuls and a concat forward
 *   and one matMul backward, instead of ~25 and ~8 tensor ops whose dispatch dominated (measured 2.5× faster
 *   per step on wasm, docs/performance.md "Seq2seq");
 * - forward saves M = [g·i(1−i), c_{t−1}·f(1−f), 4·i·s(1−s), tanh c·o(1−o)] (d gates / d pre-activations, the
 *   candidate's 4 = 1 − g² over s(1−s) folded in), K = o(1 − tanh² c) and f;
 * - with a hold mask m (per row, 0 on padding), h_t = h_{t−1} + m(ĥ_t − h_{t−1}) and the same for c: a padded
 *   step leaves the state as it was, so a sequence's final state is the one after its last real token, in
 *   either direction.
 *
 * Kernel and recurrent gradients are one matMul over all steps, [x; h]ᵀ·dZ (see `weightGrads`).
 */
import { tf } from '../../compute/tf.js';
import { columnSums } from '../inputGrads.js';
import { type Consts, gradMatMul, transpose2d } from '../ops.js';
import type { LayerState } from '../types.js';

export interface StepTape {
  /** concat(inputs, h_{t−1}) [B, in + H]. */
  xh: tf.Tensor2D;
  /** [B, 4H] */
  m: Float32Array;
  /** [B, H] */
  k: Float32Array;
  /** Forget gate [B, H]. */
  f: Float32Array;
  /** Hold mask per row (0/1), null when every row is real. */
  hold: Float32Array | null;
}

export interface BackStep {
  /** d loss / d (gate pre-activations) [B, 4H], Keras gate order, as a tensor and its values. */
  dz: tf.Tensor2D;
  dzData: Float32Array;
  /** d loss / d (h_{t−1}, c_{t−1}); null when the step was the first (`needPrev` false). */
  dhPrev: Float32Array | null;
  dcPrev: Float32Array | null;
}

/** A gradient contribution: a tensor or its values (same shape). */
export type Grad = tf.Tensor2D | Float32Array;

export class Lstm {
  readonly inputSize: number;
  readonly hidden: number;
  private readonly gateWeights: tf.Tensor2D[];
  private readonly gateBiases: tf.Tensor1D[];
  private recurrentT: tf.Tensor2D | null = null;
  private readonly inputT = new Map<string, tf.Tensor2D>();

  /** Prepared weights belong to the caller's tidy scope (or are kept with `persistent`, then dispose()). */
  constructor(
    private readonly kernel: tf.Tensor2D,
    private readonly recurrent: tf.Tensor2D,
    bias: tf.Tensor1D,
    private readonly persistent = false,
  ) {
    this.inputSize = kernel.shape[0];
    this.hidden = recurrent.shape[0];
    const h = this.hidden;
    const prepared = tf.tidy(() => {
      const full = tf.concat([kernel, recurrent], 0);
      const w: tf.Tensor2D[] = [];
      const b: tf.Tensor1D[] = [];
      for (let gate = 0; gate < 4; gate++) {
        const scale = gate === 2 ? 2 : 1;
        w.push(tf.mul(tf.slice(full, [0, gate * h], [full.shape[0], h]), scale));
        b.push(tf.mul(tf.slice(bias, [gate * h], [h]), scale));
      }
      return { w, b };
    });
    this.gateWeights = prepared.w.map((t) => this.own(t));
    this.gateBiases = prepared.b.map((t) => this.own(t));
  }

  zeroState(batch: number): LayerState {
    return { h: tf.zeros([batch, this.hidden]), c: tf.zeros([batch, this.hidden]) };
  }

  /**
   * One step on concat(...inputs) from `state`. With `tape`, pushes what backStep needs. `hold` (one 0/1 per
   * row) keeps the previous state on rows where it is 0.
   */
  step(inputs: tf.Tensor2D[], state: LayerState, _k: Consts | null, tape: StepTape[] | null, hold: Float32Array | null = null): LayerState {
    const H = this.hidden;
    const hPrevT = state.h as tf.Tensor2D;
    const batch = hPrevT.shape[0];
    const xh: tf.Tensor2D = tf.concat([...inputs, hPrevT], 1);
    const gates = this.gateWeights.map((w, gate) => {
      const s = tf.fused.matMul({ a: xh, b: w, bias: this.gateBiases[gate]!, activation: 'sigmoid' });
      const values = s.dataSync() as Float32Array;
      s.dispose();
      return values;
    });
    const [ig, fg, sg, og] = gates as [Float32Array, Float32Array, Float32Array, Float32Array];
    const cPrev = state.c!.dataSync() as Float32Array;
    const hPrev = hold ? (hPrevT.dataSync() as Float32Array) : null;
    const size = batch * H;
    const hOut = new Float32Array(size);
    const cOut = new Float32Array(size);
    const m = tape ? new Float32Array(4 * size) : null;
    const kk = tape ? new Float32Array(size) : null;
    for (let r = 0; r < batch; r++) {
      const keep = hold ? hold[r]! : 1;
      const row = 4 * H * r;
      for (let j = 0; j < H; j++) {
        const e = r * H + j;
        const i = ig[e]!;
        const f = fg[e]!;
        const s = sg[e]!;
        const o = og[e]!;
        const g = 2 * s - 1;
        const cp = cPrev[e]!;
        const c = f * cp + i * g;
        const tc = Math.tanh(c);
        const h = o * tc;
        if (keep === 1) {
          cOut[e] = c;
          hOut[e] = h;
        } else {
          cOut[e] = cp;
          hOut[e] = hPrev![e]!;
        }
        if (m) {
          m[row + j] = g * i * (1 - i);
          m[row + H + j] = cp * f * (1 - f);
          m[row + 2 * H + j] = 4 * i * s * (1 - s);
          m[row + 3 * H + j] = tc * o * (1 - o);
          kk![e] = o * (1 - tc * tc);
        }
      }
    }
    if (tape) tape.push({ xh, m: m!, k: kk!, f: fg, hold });
    else xh.dispose();
    return { h: tf.tensor2d(hOut, [batch, H]), c: tf.tensor2d(cOut, [batch, H]) };
  }

  /**
   * Backward through one saved step: `dh` are the contributions to d loss / d h_t (summed here), `dc` is
   * d loss / d c_t (null: nothing came back through the cell state).
   */
  backStep(saved: StepTape, dh: readonly (Grad | null)[], dc: Float32Array | null, needPrev = true): BackStep {
    const H = this.hidden;
    const size = saved.k.length;
    const batch = size / H;
    const dhSum = new Float32Array(size);
    for (const part of dh) {
      if (!part) continue;
      const values = part instanceof Float32Array ? part : (part.dataSync() as Float32Array);
      for (let e = 0; e < size; e++) dhSum[e] = dhSum[e]! + values[e]!;
    }
    const { m, k, f, hold } = saved;
    const dz = new Float32Array(4 * size);
    const dcPrev = needPrev ? new Float32Array(size) : null;
    const pass = hold && needPrev ? new Float32Array(size) : null;
    for (let r = 0; r < batch; r++) {
      const keep = hold ? hold[r]! : 1;
      const row = 4 * H * r;
      for (let j = 0; j < H; j++) {
        const e = r * H + j;
        const dhIn = dhSum[e]!;
        const dcIn = dc ? dc[e]! : 0;
        const dhNew = keep * dhIn;
        const dcNew = keep * dcIn + dhNew * k[e]!;
        dz[row + j] = dcNew * m[row + j]!;
        dz[row + H + j] = dcNew * m[row + H + j]!;
        dz[row + 2 * H + j] = dcNew * m[row + 2 * H + j]!;
        dz[row + 3 * H + j] = dhNew * m[row + 3 * H + j]!;
        if (dcPrev) dcPrev[e] = dcNew * f[e]! + (1 - keep) * dcIn;
        if (pass) pass[e] = (1 - keep) * dhIn;
      }
    }
    const dzT = tf.tensor2d(dz, [batch, 4 * H]);
    if (!needPrev) return { dz: dzT, dzData: dz, dhPrev: null, dcPrev: null };
    const rec = tf.matMul(dzT, this.recurrentTransposed());
    const dhPrev = rec.dataSync() as Float32Array;
    rec.dispose();
    if (pass) for (let e = 0; e < size; e++) dhPrev[e] = dhPrev[e]! + pass[e]!;
    return { dz: dzT, dzData: dz, dhPrev, dcPrev };
  }

  /** d loss / d input rows [from, from + rows) of the kernel, for dz [N, 4H]: dz · W[from:from+rows]ᵀ. */
  inputGrad(dz: tf.Tensor2D, from = 0, rows = this.inputSize): tf.Tensor2D {
    const key = `${from}:${rows}`;
    let t = this.inputT.get(key);
    if (!t) {
      const part = from === 0 && rows === this.inputSize ? this.kernel : tf.slice(this.kernel, [from, 0], [rows, 4 * this.hidden]);
      t = this.own(transpose2d(part));
      this.inputT.set(key, t);
    }
    return tf.matMul(dz, t);
  }

  /** The Keras-layout kernel [in, 4H] this layer was built from. */
  kernelTensor(): tf.Tensor2D {
    return this.kernel;
  }

  dispose(): void {
    tf.dispose([...this.gateWeights, ...this.gateBiases, ...this.inputT.values()]);
    if (this.recurrentT) this.recurrentT.dispose();
    this.inputT.clear();
    this.recurrentT = null;
  }

  private recurrentTransposed(): tf.Tensor2D {
    this.recurrentT ??= this.own(transpose2d(this.recurrent));
    return this.recurrentT;
  }

  private own<T extends tf.Tensor>(x: T): T {
    return this.persistent ? tf.keep(x) : x;
  }
}

/**
 * Kernel, recurrent and bias gradients from every step's tape and backward result (any order, matching):
 * one [x; h]ᵀ·dZ matMul, cut into the kernel's and the recurrent kernel's rows; the bias from dZ's values.
 */
export function weightGrads(tapes: StepTape[], backs: BackStep[], inputSize: number): { kernel: tf.Tensor2D; recurrent: tf.Tensor2D; bias: tf.Tensor1D } {
  const xh: tf.Tensor2D = tf.concat(
    tapes.map((t) => t.xh),
    0,
  );
  const dz: tf.Tensor2D = tf.concat(
    backs.map((b) => b.dz),
    0,
  );
  const full = gradMatMul(xh, dz);
  const [rows, cols] = full.shape;
  const bias = new Float64Array(cols);
  for (const b of backs) {
    const sums = columnSums(b.dzData, b.dzData.length / cols, cols);
    for (let c = 0; c < cols; c++) bias[c] = bias[c]! + sums[c]!;
  }
  return {
    kernel: tf.slice(full, [0, 0], [inputSize, cols]),
    recurrent: tf.slice(full, [inputSize, 0], [rows - inputSize, cols]),
    bias: tf.tensor1d(Float32Array.from(bias)),
  };
}
