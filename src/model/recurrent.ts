/**
 * The contract between the language model and its recurrent layers (LSTM, GRU). A layer object is built from
 * Keras-layout weights for one pass (a training step) or for a generation session, and works on sequences
 * as arrays of per-step [B, in] tensors: per-step slicing of a big tensor is what is slow on wasm.
 */
import type { tf } from '../compute/tf.js';
import type { CellKind, LayerState } from './types.js';

/**
 * What a layer's BPTT returns. The input side (kernel, bias, d inputs) is left to the caller because every
 * cell adds its input projection x·W + b outside the recurrence, and the caller knows the cheapest way to
 * take it from dGates (a one-hot scatter for a small vocabulary, matMuls otherwise): see ./inputGrads.ts.
 */
export interface LayerGradients {
  /** d loss / d recurrent kernel [H, G·H]. */
  recurrentKernel: tf.Tensor2D;
  /** d loss / d (x_t·W + b) for all steps, time-major [T·B, G·H]. */
  dGates: tf.Tensor2D;
}

export interface RecurrentLayer {
  readonly kind: CellKind;
  readonly inputSize: number;
  readonly hidden: number;
  /**
   * Runs the layer over a sequence of per-step inputs [B, in] from `state`. With `save`, keeps what
   * `backward` needs (a layer object serves one forward/backward pair).
   */
  forward(xs: tf.Tensor2D[], state: LayerState, save: boolean): { hs: tf.Tensor2D[]; state: LayerState };
  /** BPTT for the last saved forward: dHs are d loss / d h_t for every step ([B, H] each). */
  backward(dHs: tf.Tensor2D[]): LayerGradients;
  /** One step without saving anything (generation). Returns the new state; its `h` is the output. */
  step(x: tf.Tensor2D, state: LayerState): LayerState;
  /**
   * Optional generation fast path for batches up to SMALL_BATCH when the caller already has the input
   * projection x·W + b [B, G·H] (the first layer can look it up per token in embedding·W + b).
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
}
