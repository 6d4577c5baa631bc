/**
 * The contract between the language model and its recurrent layers (LSTM, GRU). A layer object is built from
 * Keras-layout weights for one pass (a training step) or for a generation session. The input side of a
 * sequence, x_t·W + b, is projected for all steps before the recurrence (./projection.ts): one matMul for the
 * whole sequence (or a lookup table for the first layer), so that a step only multiplies h by the recurrent
 * kernel. Sequences otherwise travel as arrays of per-step [B, ·] tensors: per-step slicing of a big tensor is
 * what is slow on wasm.
 */
import { tf } from '../compute/tf.js';
import type { StepInputs } from './projection.js';
import type { CellKind, LayerState, RecurrentActivation } from './types.js';

/**
 * What a layer's BPTT returns. The input side (kernel, bias, d inputs) is left to the caller because every
 * cell adds its input projection x·W + b outside the recurrence, and the caller knows the cheapest way to
 * take it from dGates (a one-hot scatter for a small vocabulary, matMuls otherwise): see ./inputGrads.ts.
 */
export interface LayerGradients {
  /** d loss / d recurrent kernel [H, G·H]. */
  recurrentKernel: tf.Tensor2D;
  /** d loss / d (x_t·W + b) for all steps, time-major [T·B, G·H] (unscaled pre-activations). */
  dGates: tf.Tensor2D;
}

export interface RecurrentLayer {
  readonly kind: CellKind;
  readonly inputSize: number;
  readonly hidden: number;
  /** Gates per step (LSTM 4, GRU 3): the projection's width is gates·hidden. */
  readonly gates: number;
  readonly activation: RecurrentActivation;
  /**
   * The input kernel and bias as `forwardProjected` wants its inputs: x·kernel + bias, per gate, is the
   * scaled pre-activation the layer adds to its recurrent term (see gateScaling). New tensors in the current
   * scope (cached for a persistent layer).
   */
  projectionWeights(): { kernel: tf.Tensor2D; bias: tf.Tensor1D };
  /**
   * Runs the layer over a sequence from `state`, its input already projected (see ./projection.ts). With
   * `save`, keeps what `backward` needs (a layer object serves one forward/backward pair).
   */
  forwardProjected(inputs: StepInputs, state: LayerState, save: boolean): { hs: tf.Tensor2D[]; state: LayerState };
  /** The same from per-step inputs [B, in] (projected here in one matMul). */
  forward(xs: tf.Tensor2D[], state: LayerState, save: boolean): { hs: tf.Tensor2D[]; state: LayerState };
  /** BPTT for the last saved forward: dHs are d loss / d h_t for every step ([B, H] each). */
  backward(dHs: tf.Tensor2D[]): LayerGradients;
  /** One step without saving anything (generation). Returns the new state; its `h` is the output. */
  step(x: tf.Tensor2D, state: LayerState): LayerState;
  /**
   * Optional generation fast path for batches up to SMALL_BATCH when the caller already has the input
   * projection x·W + b [B, G·H] (plain, unscaled: the first layer looks it up per token in embedding·W + b).
   */
  stepProjected?(projection: Float32Array, state: LayerState): LayerState;
  zeroState(batch: number): LayerState;
  /** Frees the layer's prepared weights (only needed when built outside a tf.tidy). */
  dispose(): void;
}

/** Largest batch for which generation steps do their elementwise work in JS (see ./lstm.ts). */
export const SMALL_BATCH = 4;

export interface LayerOptions {
  /**
   * Keep the layer's prepared weights out of every tf.tidy scope (a generation session that outlives
   * scopes); the owner must call dispose(). Otherwise they belong to the current scope.
   */
  persistent?: boolean;
  /** Gate activation; default: the cell's default (DEFAULT_RECURRENT_ACTIVATION). */
  recurrentActivation?: RecurrentActivation;
}

/**
 * How a layer feeds each gate's pre-activation z to a single cheap op: the weights are prescaled so that the
 * layer computes scale·z + offset directly. Sigmoid gates: scale 1 (σ is one op). Hard-sigmoid gates:
 * 0.2·z + 0.5, after which the activation is one clip to [0, 1] — tfjs-layers' hardSigmoid, clip(0.2·x + 0.5,
 * 0, 1). Candidates (tanh): scale 2, so that tanh(z) = 2σ(2z) − 1 comes from a sigmoid (tanh is a slow scalar
 * loop on wasm).
 */
export interface GateScaling {
  scale: number[];
  offset: number[];
  /** Which gates are candidates (tanh), per gate. */
  candidate: boolean[];
}

export function gateScaling(kind: CellKind, activation: RecurrentActivation): GateScaling {
  const hard = activation === 'hard_sigmoid';
  const gate = hard ? 0.2 : 1;
  const shift = hard ? 0.5 : 0;
  // LSTM gates i, f, c, o; GRU z, r, h.
  const candidate = kind === 'lstm' ? [false, false, true, false] : [false, false, true];
  return {
    scale: candidate.map((c) => (c ? 2 : gate)),
    offset: candidate.map((c) => (c ? 0 : shift)),
    candidate,
  };
}

/** The input kernel [in, G·H] and bias [G·H] scaled per gate (see GateScaling). */
export function scaledProjection(kernel: tf.Tensor2D, bias: tf.Tensor1D, scaling: GateScaling): { kernel: tf.Tensor2D; bias: tf.Tensor1D } {
  const hidden = bias.shape[0] / scaling.scale.length;
  const b = bias.dataSync();
  const scaledBias = new Float32Array(b.length);
  for (let j = 0; j < b.length; j++) {
    const g = Math.floor(j / hidden);
    scaledBias[j] = scaling.scale[g]! * b[j]! + scaling.offset[g]!;
  }
  const identity = scaling.scale.every((s) => s === 1);
  return {
    kernel: identity ? tf.clone(kernel) : tf.mul(kernel, tf.tensor1d(perGateValues(scaling.scale, hidden))),
    bias: tf.tensor1d(scaledBias),
  };
}

function perGateValues(values: readonly number[], hidden: number): Float32Array {
  const out = new Float32Array(values.length * hidden);
  values.forEach((v, g) => out.fill(v, g * hidden, (g + 1) * hidden));
  return out;
}

/**
 * d gate / d z for a non-candidate gate from its scaled pre-activation `lin` and its value `s`: σ'(z) = s(1 − s)
 * for sigmoid gates; for hard-sigmoid gates 0.2 where the clip is inactive, with inclusive bounds
 * (0 ≤ 0.2·z + 0.5 ≤ 1, as tf.clipByValue's gradient, which tfjs-layers differentiates), 0 elsewhere.
 */
export function gateDerivative(lin: tf.Tensor2D, s: tf.Tensor2D, hard: boolean, one: tf.Scalar, fifth: tf.Scalar): tf.Tensor2D {
  if (!hard) return tf.mul(s, tf.sub(one, s));
  return tf.mul(tf.cast(tf.equal(lin, s), 'float32'), fifth);
}
