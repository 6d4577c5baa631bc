/**
 * GRU layer on tfjs-core ops with hand-written BPTT, computing exactly what `tf.layers.gru` computes in TF.js
 * 4.22 (which has no reset_after): gates z, r, h from kernel [in, 3H], recurrent kernel [H, 3H] and bias [3H],
 * gate activation hard sigmoid clip(0.2·x + 0.5, 0, 1) (tfjs-layers' default) or sigmoid, and
 *   z = σ(x·Wz + h·Uz + bz),  r = σ(x·Wr + h·Ur + br),  ĥ = tanh(x·Wh + (r⊙h)·Uh + bh),
 *   h' = z⊙h + (1 − z)⊙ĥ.
 * As in ./lstm.ts the input side x·W + b is projected for the whole sequence first (./projection.ts) and the
 * pre-activations are prescaled in the weights (./recurrent.ts, gateScaling): ×0.2 + 0.5 for hard-sigmoid
 * gates (then one clip), ×2 for the candidate (tanh from a sigmoid, 2σ(2a) − 1).
 */
import { pausePoint } from '../compute/pausePoint.js';
import { tf } from '../compute/tf.js';
import { columns, gradMatMul, makeConsts, splitColumns, tidy, transpose2d } from './ops.js';
import { StepInputs } from './projection.js';
import { gateDerivative, type GateScaling, gateScaling, type LayerGradients, type LayerOptions, type RecurrentLayer, scaledProjection } from './recurrent.js';
import type { LayerState, RecurrentActivation, RecurrentLayerWeights } from './types.js';

interface GruTapeStep {
  hPrev: tf.Tensor2D;
  /** r ⊙ h_{t−1} */
  rh: tf.Tensor2D;
  z: tf.Tensor2D;
  r: tf.Tensor2D;
  /** (1 − z)(1 − ĥ²): d h' / d (candidate pre-activation) */
  a: tf.Tensor2D;
  /** (h_{t−1} − ĥ)·σ'(z): d h' / d (z pre-activation) */
  bz: tf.Tensor2D;
  /** h_{t−1}·σ'(r): d (r⊙h) / d (r pre-activation) */
  cr: tf.Tensor2D;
}

export class GruLayer implements RecurrentLayer {
  readonly kind = 'gru' as const;
  readonly gates = 3;
  readonly inputSize: number;
  readonly hidden: number;
  readonly activation: RecurrentActivation;
  private readonly scaling: GateScaling;
  private readonly hard: boolean;
  /** Per gate z, r, h: the recurrent kernel's columns [H, H], scaled. */
  private readonly recurrentGates: tf.Tensor2D[];
  private projection: { kernel: tf.Tensor2D; bias: tf.Tensor1D } | null = null;
  private readonly persistent: boolean;
  private tape: GruTapeStep[] | null = null;

  constructor(
    private readonly weights: RecurrentLayerWeights<tf.Tensor>,
    options: LayerOptions = {},
  ) {
    this.persistent = options.persistent ?? false;
    this.activation = options.recurrentActivation ?? 'hard_sigmoid';
    this.hard = this.activation === 'hard_sigmoid';
    this.scaling = gateScaling('gru', this.activation);
    const kernel = weights.kernel as tf.Tensor2D;
    const recurrent = weights.recurrentKernel as tf.Tensor2D;
    const bias = weights.bias as tf.Tensor1D;
    this.inputSize = kernel.shape[0];
    const h = (this.hidden = recurrent.shape[0]);
    if (kernel.shape[1] !== 3 * h || recurrent.shape[1] !== 3 * h || bias.shape[0] !== 3 * h) {
      throw new Error(`GRU weights have inconsistent shapes: kernel ${kernel.shape}, recurrent ${recurrent.shape}`);
    }
    this.recurrentGates = splitColumns(recurrent, 3, this.scaling.scale).map((t) => (this.persistent ? tf.keep(t) : t));
  }

  zeroState(batch: number): LayerState {
    return { h: tf.zeros([batch, this.hidden]) };
  }

  projectionWeights(): { kernel: tf.Tensor2D; bias: tf.Tensor1D } {
    const make = () => scaledProjection(this.weights.kernel as tf.Tensor2D, this.weights.bias as tf.Tensor1D, this.scaling);
    if (!this.persistent) return make();
    if (!this.projection) {
      const made = tidy(make);
      this.projection = { kernel: tf.keep(made.kernel), bias: tf.keep(made.bias) };
    }
    return this.projection;
  }

  forward(xs: tf.Tensor2D[], state: LayerState, save: boolean): { hs: tf.Tensor2D[]; state: LayerState } {
    const { kernel, bias } = this.projectionWeights();
    const projected = tf.fused.matMul({ a: xs.length === 1 ? xs[0]! : tf.concat(xs, 0), b: kernel, bias }) as tf.Tensor2D;
    return this.forwardProjected(StepInputs.fromMatrix(projected, 3, xs.length, xs[0]!.shape[0]), state, save);
  }

  forwardProjected(inputs: StepInputs, state: LayerState, save: boolean): { hs: tf.Tensor2D[]; state: LayerState } {
    if (inputs.gates !== 3 || inputs.hidden !== this.hidden) throw new Error('GRU: the projected inputs do not fit the layer');
    const k = makeConsts();
    const four = tf.scalar(4);
    const fifth = tf.scalar(0.2);
    const [uz, ur, uh] = this.recurrentGates as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const act = (x: tf.Tensor2D): tf.Tensor2D => (this.hard ? tf.clipByValue(x, 0, 1) : tf.sigmoid(x));
    let h = state.h as tf.Tensor2D;
    const hs: tf.Tensor2D[] = [];
    const tape: GruTapeStep[] = [];
    for (let t = 0; t < inputs.steps; t++) {
      pausePoint();
      // One scope per step, as in ./lstm.ts: only h and the BPTT factors outlive it.
      const hPrev = h;
      const out = tidy(() => {
        const [pz, pr, ph] = inputs.at(t) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const zLin: tf.Tensor2D = tf.add(tf.matMul(hPrev, uz), pz);
        const rLin: tf.Tensor2D = tf.add(tf.matMul(hPrev, ur), pr);
        const z = act(zLin);
        const r = act(rLin);
        const rh: tf.Tensor2D = tf.mul(r, hPrev);
        const s: tf.Tensor2D = tf.sigmoid(tf.add<tf.Tensor2D>(tf.matMul(rh, uh), ph));
        const hh: tf.Tensor2D = tf.sub(tf.mul(s, k.two), k.one);
        const diff: tf.Tensor2D = tf.sub(hPrev, hh);
        const hNew: tf.Tensor2D = tf.add(hh, tf.mul(z, diff));
        if (!save) return { h: hNew, saved: null };
        const a: tf.Tensor2D = tf.mul(tf.sub(k.one, z), tf.mul(four, tf.mul(s, tf.sub(k.one, s))));
        const zGrad = gateDerivative(zLin, z, this.hard, k.one, fifth);
        const rGrad = gateDerivative(rLin, r, this.hard, k.one, fifth);
        return { h: hNew, saved: { rh, z, r, a, bz: tf.mul<tf.Tensor2D>(diff, zGrad), cr: tf.mul<tf.Tensor2D>(hPrev, rGrad) } };
      });
      if (out.saved) tape.push({ hPrev, ...out.saved });
      hs.push(out.h);
      h = out.h;
    }
    this.tape = save ? tape : null;
    return { hs, state: { h } };
  }

  backward(dHs: tf.Tensor2D[]): LayerGradients {
    const tape = this.tape;
    if (!tape || tape.length !== dHs.length) throw new Error('GRU backward without a matching saved forward');
    this.tape = null;
    const h = this.hidden;
    const recurrent = this.weights.recurrentKernel as tf.Tensor2D;
    const uzrT = transpose2d(columns(recurrent, 0, 2 * h));
    const uhT = transpose2d(columns(recurrent, 2 * h, h));
    const dGates: tf.Tensor2D[] = new Array<tf.Tensor2D>(tape.length);
    let dhRec: tf.Tensor2D | null = null;
    for (let t = tape.length - 1; t >= 0; t--) {
      pausePoint();
      const s = tape[t]!;
      const carry = dhRec;
      const out = tidy(() => {
        const dh: tf.Tensor2D = carry ? tf.add<tf.Tensor2D>(dHs[t]!, carry) : dHs[t]!;
        const dhh: tf.Tensor2D = tf.mul(dh, s.a);
        const dz: tf.Tensor2D = tf.mul(dh, s.bz);
        const drh: tf.Tensor2D = tf.matMul(dhh, uhT);
        const dr: tf.Tensor2D = tf.mul(drh, s.cr);
        const dzr: tf.Tensor2D = tf.concat([dz, dr], 1);
        const dGate: tf.Tensor2D = tf.concat([dzr, dhh], 1);
        if (t === 0) return { dGate, dh: null };
        return { dGate, dh: tf.addN<tf.Tensor2D>([tf.mul<tf.Tensor2D>(dh, s.z), tf.mul<tf.Tensor2D>(drh, s.r), tf.matMul<tf.Tensor2D>(dzr, uzrT)]) };
      });
      dGates[t] = out.dGate;
      dhRec = out.dh;
    }
    const dG: tf.Tensor2D = tf.concat(dGates, 0);
    const hPrev: tf.Tensor2D = tf.concat(
      tape.map((s) => s.hPrev),
      0,
    );
    const rh: tf.Tensor2D = tf.concat(
      tape.map((s) => s.rh),
      0,
    );
    const recurrentKernel: tf.Tensor2D = tf.concat(
      [gradMatMul(hPrev, columns(dG, 0, 2 * h)), gradMatMul(rh, columns(dG, 2 * h, h))],
      1,
    );
    return { recurrentKernel, dGates: dG };
  }

  step(x: tf.Tensor2D, state: LayerState): LayerState {
    return this.forward([x], state, false).state;
  }

  dispose(): void {
    tf.dispose(this.recurrentGates);
    if (this.projection) tf.dispose([this.projection.kernel, this.projection.bias]);
    this.projection = null;
  }
}
