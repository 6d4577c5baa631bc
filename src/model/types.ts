/**
 * Shapes shared by the LSTM engine, its checkpoints and its trainers. Weights use the Keras / TF.js Layers
 * layout so a checkpoint is a standard Layers model: LSTM kernel [in, 4H], recurrent kernel [H, 4H], one bias
 * [4H], gate order i, f, c, o; GRU kernel [in, 3H], recurrent [H, 3H], bias [3H], gate order z, r, h.
 */
import type { tf } from '../compute/tf.js';

export type CellKind = 'lstm' | 'gru';

/** Everything needed to rebuild a language model's graph (not its weights). */
export interface LanguageModelConfig {
  vocabSize: number;
  embedDim: number;
  hiddenSize: number;
  layers: number;
  cell: CellKind;
  /** Dropout between stacked layers and before the output projection; 0 disables it. */
  dropout: number;
}

export interface RecurrentLayerWeights<T extends tf.Tensor = tf.Variable> {
  kernel: T;
  recurrentKernel: T;
  bias: T;
}

export interface LanguageModelWeights<T extends tf.Tensor = tf.Variable> {
  /** [V, E] */
  embedding: T;
  layers: RecurrentLayerWeights<T>[];
  /** kernel [H, V], bias [V] */
  dense: { kernel: T; bias: T };
}

/** Per-layer recurrent state: h (and c for LSTM), each [B, H]. */
export interface LayerState<T extends tf.Tensor = tf.Tensor> {
  h: T;
  c?: T;
}

/**
 * What the engine computes for each cell, as TF.js Layers config values: a checkpoint's model.json must
 * declare these for `tf.loadLayersModel` to rebuild the same function. LSTM uses the true sigmoid (Keras and
 * PyTorch); GRU matches `tf.layers.gru` defaults in TF.js 4.22 (hard sigmoid, no reset_after).
 */
export const CELL_ACTIVATIONS = {
  lstm: { activation: 'tanh', recurrentActivation: 'sigmoid', unitForgetBias: true },
  gru: { activation: 'tanh', recurrentActivation: 'hardSigmoid', resetAfter: false },
} as const;
