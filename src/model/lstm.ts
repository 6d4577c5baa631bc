/**
 * LSTM layer on tfjs-core ops with hand-written BPTT (no autodiff tape).
 *
 * Keras semantics: gates i, f, c(g), o from kernel [in, 4H], recurrent kernel [H, 4H] and one bias [4H];
 * sigmoid gates, tanh candidate and cell output. Internally each gate gets its own fused weight
 * [in + H, H] so that a step is four fused matMul+bias+sigmoid ops on concat(x_t, h) with no slicing
 * (column slices are slow on wasm); the candidate's weights are doubled so that tanh(z) = 2σ(2z) − 1 comes
 * out of the same fused sigmoid.
 *
 * Training forward also stores, per step, the local derivative factors, so the backward recurrence is
 * 7 ops per step:  dh = dHs_t + dz_{t+1}·Uᵀ;  dc = dc_{t+1}·f_{t+1} + dh⊙K_t;  dz_t = [dc,dc,dc,dh]⊙M_t
 * with M_t = [g·i(1−i), c_{t−1}·f(1−f), i·(1−g²), tanh(c_t)·o(1−o)] and K_t = o·(1 − tanh²(c_t)).
 * The recurrent kernel's gradient is one matMul over the whole sequence, h_{t−1}ᵀ·dZ; the input side
 * (kernel, bias, d x) is taken from dZ by the caller (./inputGrads.ts).
 */
import { tf } from '../compute/tf.js';
import { columns, type Consts, gradMatMul, makeConsts, range1d, tanh, transpose2d } from './ops.js';
import { type LayerGradients, type LayerOptions, type RecurrentLayer, SMALL_BATCH } from './recurrent.js';
import type { LayerState, RecurrentLayerWeights } from './types.js';

interface LstmTapeStep {
  hPrev: tf.Tensor2D;
  m: tf.Tensor2D;
  k: tf.Tensor2D;
  f: tf.Tensor2D;
}

export class LstmLayer implements RecurrentLayer {
  readonly kind = 'lstm' as const;
  readonly inputSize: number;
  readonly hidden: number;
  /** Per gate i, f, g (doubled), o: [in + H, H] and [H]. */
  private readonly gateWeights: tf.Tensor2D[];
  private readonly gateBiases: tf.Tensor1D[];
  /** Lazily, for small-batch generation steps (smallCell). */
  private packedWeights: { weights: tf.Tensor2D; recurrent: tf.Tensor2D; bias: tf.Tensor1D } | null = null;
  private tape: LstmTapeStep[] | null = null;

  private readonly persistent: boolean;

  constructor(
    private readonly weights: RecurrentLayerWeights<tf.Tensor>,
    options: LayerOptions = {},
  ) {
    this.persistent = options.persistent ?? false;
    const kernel = weights.kernel as tf.Tensor2D;
    const recurrent = weights.recurrentKernel as tf.Tensor2D;
    this.inputSize = kernel.shape[0];
    this.hidden = recurrent.shape[0];
    const h = this.hidden;
    if (kernel.shape[1] !== 4 * h || recurrent.shape[1] !== 4 * h || weights.bias.shape[0] !== 4 * h) {
      throw new Error(`LSTM weights have inconsistent shapes: kernel ${kernel.shape}, recurrent ${recurrent.shape}`);
    }
    // Returned from the tidy, these belong to the caller's scope (a training step's tidy) unless persistent.
    const prepared = tf.tidy(() => {
      const w: tf.Tensor2D[] = [];
      const b: tf.Tensor1D[] = [];
      for (let gate = 0; gate < 4; gate++) {
        const scale = gate === 2 ? 2 : 1;
        w.push(tf.mul(tf.concat([columns(kernel, gate * h, h), columns(recurrent, gate * h, h)], 0), scale));
        b.push(tf.mul(range1d(weights.bias as tf.Tensor1D, gate * h, h), scale));
      }
      return { w, b };
    });
    if (this.persistent) [...prepared.w, ...prepared.b].forEach((t) => tf.keep(t));
    this.gateWeights = prepared.w;
    this.gateBiases = prepared.b;
  }

  zeroState(batch: number): LayerState {
    return { h: tf.zeros([batch, this.hidden]), c: tf.zeros([batch, this.hidden]) };
  }

  forward(xs: tf.Tensor2D[], state: LayerState, save: boolean): { hs: tf.Tensor2D[]; state: LayerState } {
    if (!state.c) throw new Error('LSTM state needs a cell state c');
    const k = makeConsts();
    const four = tf.scalar(4);
    let h = state.h as tf.Tensor2D;
    let c = state.c as tf.Tensor2D;
    const hs: tf.Tensor2D[] = [];
    const tape: LstmTapeStep[] = [];
    for (const x of xs) {
      const xh: tf.Tensor2D = tf.concat([x, h], 1);
      const [i, f, s, o] = this.gates(xh);
      const g: tf.Tensor2D = tf.sub(tf.mul(s, k.two), k.one);
      const cNew: tf.Tensor2D = tf.add(tf.mul(f, c), tf.mul(i, g));
      const tc = tanh(cNew, k);
      const hNew: tf.Tensor2D = tf.mul(o, tc);
      if (save) {
        // σ' = s(1−s) for i, f, o; for the candidate 1 − g² = 4·s(1−s), the 4 folded into the i factor.
        const slab: tf.Tensor2D = tf.concat([i, f, s, o], 1);
        const local: tf.Tensor2D = tf.mul(slab, tf.sub(k.one, slab));
        const m: tf.Tensor2D = tf.mul(tf.concat([g, c, tf.mul(i, four), tc], 1), local);
        tape.push({ hPrev: h, m, k: tf.sub<tf.Tensor2D>(o, tf.mul(hNew, tc)), f });
      }
      hs.push(hNew);
      h = hNew;
      c = cNew;
    }
    this.tape = save ? tape : null;
    return { hs, state: { h, c } };
  }

  backward(dHs: tf.Tensor2D[]): LayerGradients {
    const tape = this.tape;
    if (!tape || tape.length !== dHs.length) throw new Error('LSTM backward without a matching saved forward');
    this.tape = null;
    const steps = tape.length;
    const recurrentT = transpose2d(this.weights.recurrentKernel as tf.Tensor2D);
    const dzs: tf.Tensor2D[] = new Array<tf.Tensor2D>(steps);
    let dhRec: tf.Tensor2D | null = null;
    let dcCarry: tf.Tensor2D | null = null;
    for (let t = steps - 1; t >= 0; t--) {
      const saved = tape[t]!;
      const dh: tf.Tensor2D = dhRec ? tf.add<tf.Tensor2D>(dHs[t]!, dhRec) : dHs[t]!;
      const dhk: tf.Tensor2D = tf.mul(dh, saved.k);
      const dc: tf.Tensor2D = dcCarry ? tf.add<tf.Tensor2D>(dcCarry, dhk) : dhk;
      const dz: tf.Tensor2D = tf.mul(tf.concat([dc, dc, dc, dh], 1), saved.m);
      dzs[t] = dz;
      if (t > 0) {
        dcCarry = tf.mul<tf.Tensor2D>(dc, saved.f);
        dhRec = tf.matMul<tf.Tensor2D>(dz, recurrentT);
      }
    }
    const dGates: tf.Tensor2D = tf.concat(dzs, 0);
    const hPrev: tf.Tensor2D = tf.concat(
      tape.map((s) => s.hPrev),
      0,
    );
    return { recurrentKernel: gradMatMul(hPrev, dGates), dGates };
  }

  step(x: tf.Tensor2D, state: LayerState): LayerState {
    if (!state.c) throw new Error('LSTM state needs a cell state c');
    const xh: tf.Tensor2D = tf.concat([x, state.h as tf.Tensor2D], 1);
    if (x.shape[0] <= SMALL_BATCH) {
      const { weights, bias } = this.packed();
      const s = tf.fused.matMul({ a: xh, b: weights, bias, activation: 'sigmoid' });
      return smallCell(s.dataSync() as Float32Array, state.c, this.hidden);
    }
    const [i, f, s, o] = this.gates(xh);
    return cellUpdate(i, f, s, o, state.c as tf.Tensor2D, makeConsts());
  }

  /**
   * A generation step for a small batch whose input projection x·W + b [B, 4H] the caller already has
   * (the first layer looks it up per token in a table of embedding·W + b).
   */
  stepProjected(projection: Float32Array, state: LayerState): LayerState {
    if (!state.c) throw new Error('LSTM state needs a cell state c');
    const h = this.hidden;
    const p = projection.slice();
    for (let row = 0; row < p.length; row += 4 * h) {
      for (let j = row + 2 * h; j < row + 3 * h; j++) p[j] = 2 * p[j]!; // candidate doubled, as in packed()
    }
    const z = tf.matMul(state.h, this.packed().recurrent);
    const s = tf.sigmoid(tf.add(z, tf.tensor2d(p, [p.length / (4 * h), 4 * h])));
    return smallCell(s.dataSync() as Float32Array, state.c, h);
  }

  dispose(): void {
    tf.dispose([...this.gateWeights, ...this.gateBiases]);
    if (this.packedWeights) tf.dispose(Object.values(this.packedWeights));
    this.packedWeights = null;
  }

  private gates(xh: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D] {
    return [0, 1, 2, 3].map((gate) =>
      tf.fused.matMul({ a: xh, b: this.gateWeights[gate]!, bias: this.gateBiases[gate]!, activation: 'sigmoid' }),
    ) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  }

  private own<T extends tf.Tensor>(x: T): T {
    return this.persistent ? tf.keep(x) : x;
  }

  /** All gates side by side, candidate doubled: [in + H, 4H], its recurrent rows [H, 4H], and [4H]. */
  private packed(): { weights: tf.Tensor2D; recurrent: tf.Tensor2D; bias: tf.Tensor1D } {
    if (!this.packedWeights) {
      const weights = tf.concat(this.gateWeights, 1);
      this.packedWeights = {
        weights: this.own(weights),
        recurrent: this.own(tf.slice(weights, [this.inputSize, 0], [this.hidden, 4 * this.hidden])),
        bias: this.own(tf.concat(this.gateBiases, 0)),
      };
    }
    return this.packedWeights;
  }
}

/**
 * Small batches (generation) do the cell update in JS, from the four gates' sigmoids s [B, 4H] (the
 * candidate as σ(2z), so g = 2s − 1): there tfjs' per-op dispatch costs more than the arithmetic.
 */
function smallCell(s: Float32Array, c: tf.Tensor, hidden: number): LayerState {
  const width = 4 * hidden;
  const rows = s.length / width;
  const cPrev = c.dataSync() as Float32Array;
  const hOut = new Float32Array(rows * hidden);
  const cOut = new Float32Array(rows * hidden);
  for (let b = 0; b < rows; b++) {
    const r = b * width;
    for (let j = 0; j < hidden; j++) {
      const k = b * hidden + j;
      const cNew = s[r + hidden + j]! * cPrev[k]! + s[r + j]! * (2 * s[r + 2 * hidden + j]! - 1);
      cOut[k] = cNew;
      hOut[k] = s[r + 3 * hidden + j]! * Math.tanh(cNew);
    }
  }
  return { h: tf.tensor2d(hOut, [rows, hidden]), c: tf.tensor2d(cOut, [rows, hidden]) };
}

function cellUpdate(
  i: tf.Tensor2D,
  f: tf.Tensor2D,
  s: tf.Tensor2D,
  o: tf.Tensor2D,
  c: tf.Tensor2D,
  k: Consts,
): LayerState {
  const g: tf.Tensor2D = tf.sub(tf.mul(s, k.two), k.one);
  const cNew: tf.Tensor2D = tf.add(tf.mul(f, c), tf.mul(i, g));
  return { h: tf.mul(o, tanh(cNew, k)), c: cNew };
}
