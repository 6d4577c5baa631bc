/**
 * LSTM layer on tfjs-core ops with hand-written BPTT (no autodiff tape).
 *
 * Keras semantics: gates i, f, c(g), o from kernel [in, 4H], recurrent kernel [H, 4H] and one bias [4H]; gate
 * activation sigmoid or hard sigmoid (tfjs-layers: clip(0.2·x + 0.5, 0, 1)), tanh candidate and cell output.
 *
 * The input side x_t·W + b of every step is projected before the recurrence (./projection.ts: one matMul for
 * the sequence, or a table lookup for the first layer), so a step is, per gate, matMul(h, U_g) + P_t,g and one
 * activation op: four [B, H]×[H, H] matMuls, no concat, no slicing. Pre-activations are prescaled in the
 * weights (./recurrent.ts, gateScaling): ×2 for the candidate, whose tanh(z) = 2σ(2z) − 1 then comes from a
 * sigmoid; ×0.2 + 0.5 for hard-sigmoid gates, whose activation is then one clip.
 *
 * Training forward also stores, per step, the local derivative factors, so the backward recurrence is
 * 7 ops per step:  dh = dHs_t + dz_{t+1}·Uᵀ;  dc = dc_{t+1}·f_{t+1} + dh⊙K_t;  dz_t = [dc,dc,dc,dh]⊙M_t
 * with M_t = [g·i', c_{t−1}·f', i·(1−g²), tanh(c_t)·o'] (x' the gate's derivative: x(1−x) for sigmoid, 0.2 or 0
 * for hard sigmoid) and K_t = o·(1 − tanh²(c_t)). The recurrent kernel's gradient is one matMul over the whole
 * sequence, h_{t−1}ᵀ·dZ; the input side (kernel, bias, d x) is taken from dZ by the caller (./inputGrads.ts),
 * again one matMul (or a scatter) over all steps.
 */
import { pausePoint } from '../compute/pausePoint.js';
import { tf } from '../compute/tf.js';
import { type Consts, gradMatMul, makeConsts, splitColumns, tanh, tidy, transpose2d } from './ops.js';
import { StepInputs } from './projection.js';
import {
  gateDerivative,
  type GateScaling,
  gateScaling,
  type LayerGradients,
  type LayerOptions,
  type RecurrentLayer,
  scaledProjection,
  SMALL_BATCH,
} from './recurrent.js';
import type { LayerState, RecurrentActivation, RecurrentLayerWeights } from './types.js';

interface LstmTapeStep {
  hPrev: tf.Tensor2D;
  m: tf.Tensor2D;
  k: tf.Tensor2D;
  f: tf.Tensor2D;
}

interface Packed {
  /** [in + H, 4H], [H, 4H] (its last H rows) and [4H], all scaled. */
  weights: tf.Tensor2D;
  recurrent: tf.Tensor2D;
  bias: tf.Tensor1D;
}

export class LstmLayer implements RecurrentLayer {
  readonly kind = 'lstm' as const;
  readonly gates = 4;
  readonly inputSize: number;
  readonly hidden: number;
  readonly activation: RecurrentActivation;
  private readonly scaling: GateScaling;
  private readonly hard: boolean;
  /** Per gate i, f, g, o: the recurrent kernel's columns [H, H], scaled. */
  private readonly recurrentGates: tf.Tensor2D[];
  private projection: { kernel: tf.Tensor2D; bias: tf.Tensor1D } | null = null;
  /** Lazily, for small-batch generation steps (smallCell). */
  private packedWeights: Packed | null = null;
  private tape: LstmTapeStep[] | null = null;
  private readonly persistent: boolean;

  constructor(
    private readonly weights: RecurrentLayerWeights<tf.Tensor>,
    options: LayerOptions = {},
  ) {
    this.persistent = options.persistent ?? false;
    this.activation = options.recurrentActivation ?? 'sigmoid';
    this.hard = this.activation === 'hard_sigmoid';
    this.scaling = gateScaling('lstm', this.activation);
    const kernel = weights.kernel as tf.Tensor2D;
    const recurrent = weights.recurrentKernel as tf.Tensor2D;
    this.inputSize = kernel.shape[0];
    this.hidden = recurrent.shape[0];
    const h = this.hidden;
    if (kernel.shape[1] !== 4 * h || recurrent.shape[1] !== 4 * h || weights.bias.shape[0] !== 4 * h) {
      throw new Error(`LSTM weights have inconsistent shapes: kernel ${kernel.shape}, recurrent ${recurrent.shape}`);
    }
    // Returned from here, these belong to the caller's scope (a training step's tidy) unless persistent.
    this.recurrentGates = splitColumns(recurrent, 4, this.scaling.scale).map((t) => this.own(t));
  }

  zeroState(batch: number): LayerState {
    return { h: tf.zeros([batch, this.hidden]), c: tf.zeros([batch, this.hidden]) };
  }

  projectionWeights(): { kernel: tf.Tensor2D; bias: tf.Tensor1D } {
    if (this.persistent) {
      this.projection ??= keepAll(tidy(() => this.scaledProjection()));
      return this.projection;
    }
    return this.scaledProjection();
  }

  forward(xs: tf.Tensor2D[], state: LayerState, save: boolean): { hs: tf.Tensor2D[]; state: LayerState } {
    const { kernel, bias } = this.projectionWeights();
    const projected = tf.fused.matMul({ a: xs.length === 1 ? xs[0]! : tf.concat(xs, 0), b: kernel, bias }) as tf.Tensor2D;
    return this.forwardProjected(StepInputs.fromMatrix(projected, 4, xs.length, xs[0]!.shape[0]), state, save);
  }

  forwardProjected(inputs: StepInputs, state: LayerState, save: boolean): { hs: tf.Tensor2D[]; state: LayerState } {
    if (!state.c) throw new Error('LSTM state needs a cell state c');
    if (inputs.gates !== 4 || inputs.hidden !== this.hidden) throw new Error('LSTM: the projected inputs do not fit the layer');
    const k = makeConsts();
    const four = tf.scalar(4);
    const fifth = tf.scalar(0.2);
    let h = state.h as tf.Tensor2D;
    let c = state.c as tf.Tensor2D;
    const hs: tf.Tensor2D[] = [];
    const tape: LstmTapeStep[] = [];
    for (let t = 0; t < inputs.steps; t++) {
      pausePoint();
      // One scope per step: only h, c and the BPTT factors outlive it, so the step's intermediates are freed
      // at once (less wasm memory in use, and fewer live JS objects for V8's GC to trace).
      const out = tidy(() => this.cellStep(inputs.at(t), h, c, save, k, four, fifth));
      if (out.saved) tape.push({ hPrev: h, ...out.saved });
      hs.push(out.h);
      h = out.h;
      c = out.c;
    }
    this.tape = save ? tape : null;
    return { hs, state: { h, c } };
  }

  /** One step from the gates' projected inputs p (scaled, [B, H] each); with `save`, the BPTT factors. */
  private cellStep(
    p: tf.Tensor2D[],
    h: tf.Tensor2D,
    c: tf.Tensor2D,
    save: boolean,
    k: Consts,
    four: tf.Scalar,
    fifth: tf.Scalar,
  ): { h: tf.Tensor2D; c: tf.Tensor2D; saved: { m: tf.Tensor2D; k: tf.Tensor2D; f: tf.Tensor2D } | null } {
    const lin = p.map((pg, gate) => tf.add<tf.Tensor2D>(tf.matMul(h, this.recurrentGates[gate]!), pg));
    const [i, f, s, o] = lin.map((z, gate) => (this.hard && gate !== 2 ? tf.clipByValue(z, 0, 1) : tf.sigmoid(z))) as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
    ];
    const g: tf.Tensor2D = tf.sub(tf.mul(s, k.two), k.one);
    const cNew: tf.Tensor2D = tf.add(tf.mul(f, c), tf.mul(i, g));
    const tc = tanh(cNew, k);
    const hNew: tf.Tensor2D = tf.mul(o, tc);
    if (!save) return { h: hNew, c: cNew, saved: null };
    // The candidate's 1 − g² = 4·s(1−s) (s = σ(2z)), the 4 folded into the i factor.
    let local: tf.Tensor2D;
    if (this.hard) {
      local = tf.concat(
        [i, f, s, o].map((x, gate) => gateDerivative(lin[gate]!, x, gate !== 2, k.one, fifth)),
        1,
      );
    } else {
      const slab: tf.Tensor2D = tf.concat([i, f, s, o], 1);
      local = tf.mul(slab, tf.sub(k.one, slab));
    }
    const m: tf.Tensor2D = tf.mul(tf.concat([g, c, tf.mul(i, four), tc], 1), local);
    return { h: hNew, c: cNew, saved: { m, k: tf.sub<tf.Tensor2D>(o, tf.mul(hNew, tc)), f } };
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
      pausePoint();
      const saved = tape[t]!;
      const [carryH, carryC] = [dhRec, dcCarry];
      const out = tidy(() => {
        const dh: tf.Tensor2D = carryH ? tf.add<tf.Tensor2D>(dHs[t]!, carryH) : dHs[t]!;
        const dhk: tf.Tensor2D = tf.mul(dh, saved.k);
        const dc: tf.Tensor2D = carryC ? tf.add<tf.Tensor2D>(carryC, dhk) : dhk;
        const dz: tf.Tensor2D = tf.mul(tf.concat([dc, dc, dc, dh], 1), saved.m);
        if (t === 0) return { dz, dh: null, dc: null };
        return { dz, dh: tf.matMul<tf.Tensor2D>(dz, recurrentT), dc: tf.mul<tf.Tensor2D>(dc, saved.f) };
      });
      dzs[t] = out.dz;
      dhRec = out.dh;
      dcCarry = out.dc;
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
    if (x.shape[0] <= SMALL_BATCH) {
      const { weights, bias } = this.packed();
      const xh: tf.Tensor2D = tf.concat([x, state.h as tf.Tensor2D], 1);
      const z = tf.fused.matMul({ a: xh, b: weights, bias, activation: this.hard ? 'linear' : 'sigmoid' });
      return smallCell(z.dataSync() as Float32Array, state.c, this.hidden, this.hard);
    }
    return this.forward([x], state, false).state;
  }

  /**
   * A generation step for a small batch whose input projection x·W + b [B, 4H] (unscaled) the caller already
   * has (the first layer looks it up per token in a table of embedding·W + b).
   */
  stepProjected(projection: Float32Array, state: LayerState): LayerState {
    if (!state.c) throw new Error('LSTM state needs a cell state c');
    const h = this.hidden;
    const width = 4 * h;
    const { scale, offset } = this.scaling;
    const p = projection.slice();
    for (let gate = 0; gate < 4; gate++) {
      const [a, b] = [scale[gate]!, offset[gate]!];
      if (a === 1 && b === 0) continue;
      for (let row = 0; row < p.length; row += width) {
        for (let j = row + gate * h; j < row + (gate + 1) * h; j++) p[j] = a * p[j]! + b;
      }
    }
    const z = tf.add(tf.matMul(state.h, this.packed().recurrent), tf.tensor2d(p, [p.length / width, width]));
    return smallCell((this.hard ? z : tf.sigmoid(z)).dataSync() as Float32Array, state.c, h, this.hard);
  }

  dispose(): void {
    tf.dispose(this.recurrentGates);
    if (this.projection) tf.dispose([this.projection.kernel, this.projection.bias]);
    if (this.packedWeights) tf.dispose([this.packedWeights.weights, this.packedWeights.recurrent, this.packedWeights.bias]);
    this.projection = null;
    this.packedWeights = null;
  }

  private scaledProjection(): { kernel: tf.Tensor2D; bias: tf.Tensor1D } {
    return scaledProjection(this.weights.kernel as tf.Tensor2D, this.weights.bias as tf.Tensor1D, this.scaling);
  }

  private own<T extends tf.Tensor>(x: T): T {
    return this.persistent ? tf.keep(x) : x;
  }

  /** All gates side by side, scaled: [in + H, 4H], its recurrent rows [H, 4H], and [4H]. */
  private packed(): Packed {
    if (this.packedWeights) return this.packedWeights;
    const { kernel, bias } = this.projectionWeights();
    const made = tidy((): Packed => {
      const recurrent = tf.concat(this.recurrentGates, 1);
      return { weights: tf.concat([kernel, recurrent], 0), recurrent, bias: tf.clone(bias) };
    });
    if (this.persistent) [made.weights, made.recurrent, made.bias].forEach((t) => tf.keep(t));
    this.packedWeights = made;
    return made;
  }
}

function keepAll<T extends { kernel: tf.Tensor; bias: tf.Tensor }>(tensors: T): T {
  tf.keep(tensors.kernel);
  tf.keep(tensors.bias);
  return tensors;
}

/**
 * Small batches (generation) do the cell update in JS, from z [B, 4H] as the packed weights give it: the
 * gates' sigmoids (candidate as σ(2z), so g = 2s − 1), or for hard-sigmoid gates the scaled pre-activations
 * (0.2·z + 0.5, clipped here; candidate 2z). There tfjs' per-op dispatch costs more than the arithmetic.
 */
function smallCell(z: Float32Array, c: tf.Tensor, hidden: number, hard: boolean): LayerState {
  const width = 4 * hidden;
  const rows = z.length / width;
  const cPrev = c.dataSync() as Float32Array;
  const hOut = new Float32Array(rows * hidden);
  const cOut = new Float32Array(rows * hidden);
  for (let b = 0; b < rows; b++) {
    const r = b * width;
    for (let j = 0; j < hidden; j++) {
      const k = b * hidden + j;
      const zi = z[r + j]!;
      const zf = z[r + hidden + j]!;
      const zg = z[r + 2 * hidden + j]!;
      const zo = z[r + 3 * hidden + j]!;
      const cNew = hard ? clip01(zf) * cPrev[k]! + clip01(zi) * Math.tanh(zg / 2) : zf * cPrev[k]! + zi * (2 * zg - 1);
      cOut[k] = cNew;
      hOut[k] = (hard ? clip01(zo) : zo) * Math.tanh(cNew);
    }
  }
  return { h: tf.tensor2d(hOut, [rows, hidden]), c: tf.tensor2d(cOut, [rows, hidden]) };
}

function clip01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
