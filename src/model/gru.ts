/**
 * GRU layer on tfjs-core ops with hand-written BPTT, computing exactly what `tf.layers.gru` computes with its
 * default settings in TF.js 4.22 (which has no reset_after): gates z, r, h from kernel [in, 3H], recurrent
 * kernel [H, 3H] and bias [3H], recurrent activation hard sigmoid clip(0.2·x + 0.5, 0, 1), and
 *   z = hσ(x·Wz + h·Uz + bz),  r = hσ(x·Wr + h·Ur + br),  ĥ = tanh(x·Wh + (r⊙h)·Uh + bh),
 *   h' = z⊙h + (1 − z)⊙ĥ.
 * Internally z and r use fused weights [in + H, H] prescaled by 0.2 (bias 0.2·b + 0.5) so the hard sigmoid is
 * one clip; the candidate's fused weights are doubled so tanh comes out of a fused sigmoid (2σ(2a) − 1).
 */
import { tf } from '../compute/tf.js';
import { columns, gradMatMul, makeConsts, range1d, tidy, transpose2d } from './ops.js';
import type { LayerGradients, LayerOptions, RecurrentLayer } from './recurrent.js';
import type { LayerState, RecurrentLayerWeights } from './types.js';

interface GruTapeStep {
  hPrev: tf.Tensor2D;
  /** r ⊙ h_{t−1} */
  rh: tf.Tensor2D;
  z: tf.Tensor2D;
  r: tf.Tensor2D;
  /** (1 − z)(1 − ĥ²): d h' / d (candidate pre-activation) */
  a: tf.Tensor2D;
  /** (h_{t−1} − ĥ)·hσ'(z): d h' / d (z pre-activation) */
  bz: tf.Tensor2D;
  /** h_{t−1}·hσ'(r): d (r⊙h) / d (r pre-activation) */
  cr: tf.Tensor2D;
}

interface Prepared {
  /** [in + H, H] for z and r (×0.2) and the candidate (×2). */
  wz: tf.Tensor2D;
  wr: tf.Tensor2D;
  wh: tf.Tensor2D;
  bz: tf.Tensor1D;
  br: tf.Tensor1D;
  bh: tf.Tensor1D;
}

export class GruLayer implements RecurrentLayer {
  readonly kind = 'gru' as const;
  readonly inputSize: number;
  readonly hidden: number;
  private readonly p: Prepared;
  private readonly persistent: boolean;
  private tape: GruTapeStep[] | null = null;

  constructor(
    private readonly weights: RecurrentLayerWeights<tf.Tensor>,
    options: LayerOptions = {},
  ) {
    this.persistent = options.persistent ?? false;
    const kernel = weights.kernel as tf.Tensor2D;
    const recurrent = weights.recurrentKernel as tf.Tensor2D;
    const bias = weights.bias as tf.Tensor1D;
    this.inputSize = kernel.shape[0];
    const h = (this.hidden = recurrent.shape[0]);
    if (kernel.shape[1] !== 3 * h || recurrent.shape[1] !== 3 * h || bias.shape[0] !== 3 * h) {
      throw new Error(`GRU weights have inconsistent shapes: kernel ${kernel.shape}, recurrent ${recurrent.shape}`);
    }
    this.p = tidy((): Prepared => {
      const fusedGate = (gate: number) => tf.concat([columns(kernel, gate * h, h), columns(recurrent, gate * h, h)], 0);
      return {
        wz: tf.mul(fusedGate(0), 0.2),
        wr: tf.mul(fusedGate(1), 0.2),
        wh: tf.mul(fusedGate(2), 2),
        bz: tf.add(tf.mul(range1d(bias, 0, h), 0.2), 0.5),
        br: tf.add(tf.mul(range1d(bias, h, h), 0.2), 0.5),
        bh: tf.mul(range1d(bias, 2 * h, h), 2),
      };
    });
    if (this.persistent) Object.values(this.p).forEach((t: tf.Tensor) => tf.keep(t));
  }

  zeroState(batch: number): LayerState {
    return { h: tf.zeros([batch, this.hidden]) };
  }

  forward(xs: tf.Tensor2D[], state: LayerState, save: boolean): { hs: tf.Tensor2D[]; state: LayerState } {
    const k = makeConsts();
    const four = tf.scalar(4);
    const fifth = tf.scalar(0.2);
    let h = state.h as tf.Tensor2D;
    const hs: tf.Tensor2D[] = [];
    const tape: GruTapeStep[] = [];
    for (const x of xs) {
      const xh: tf.Tensor2D = tf.concat([x, h], 1);
      const zLin = tf.fused.matMul({ a: xh, b: this.p.wz, bias: this.p.bz }) as tf.Tensor2D;
      const rLin = tf.fused.matMul({ a: xh, b: this.p.wr, bias: this.p.br }) as tf.Tensor2D;
      const z: tf.Tensor2D = tf.clipByValue(zLin, 0, 1);
      const r: tf.Tensor2D = tf.clipByValue(rLin, 0, 1);
      const rh: tf.Tensor2D = tf.mul(r, h);
      const s = tf.fused.matMul({ a: tf.concat([x, rh], 1), b: this.p.wh, bias: this.p.bh, activation: 'sigmoid' }) as tf.Tensor2D;
      const hh: tf.Tensor2D = tf.sub(tf.mul(s, k.two), k.one);
      const diff: tf.Tensor2D = tf.sub(h, hh);
      const hNew: tf.Tensor2D = tf.add(hh, tf.mul(z, diff));
      if (save) {
        // hσ'(x) = 0.2 where the clip is inactive (inclusive bounds, as tf.clipByValue's gradient).
        const zGrad: tf.Tensor2D = tf.mul(tf.cast(tf.equal(zLin, z), 'float32'), fifth);
        const rGrad: tf.Tensor2D = tf.mul(tf.cast(tf.equal(rLin, r), 'float32'), fifth);
        const a: tf.Tensor2D = tf.mul(tf.sub(k.one, z), tf.mul(four, tf.mul(s, tf.sub(k.one, s))));
        tape.push({ hPrev: h, rh, z, r, a, bz: tf.mul(diff, zGrad), cr: tf.mul(h, rGrad) });
      }
      hs.push(hNew);
      h = hNew;
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
      const s = tape[t]!;
      const dh: tf.Tensor2D = dhRec ? tf.add<tf.Tensor2D>(dHs[t]!, dhRec) : dHs[t]!;
      const dhh: tf.Tensor2D = tf.mul(dh, s.a);
      const dz: tf.Tensor2D = tf.mul(dh, s.bz);
      const drh: tf.Tensor2D = tf.matMul(dhh, uhT);
      const dr: tf.Tensor2D = tf.mul(drh, s.cr);
      const dzr: tf.Tensor2D = tf.concat([dz, dr], 1);
      dGates[t] = tf.concat([dzr, dhh], 1);
      if (t > 0) dhRec = tf.addN<tf.Tensor2D>([tf.mul<tf.Tensor2D>(dh, s.z), tf.mul<tf.Tensor2D>(drh, s.r), tf.matMul<tf.Tensor2D>(dzr, uzrT)]);
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
    tf.dispose(Object.values(this.p) as tf.Tensor[]);
  }
}
