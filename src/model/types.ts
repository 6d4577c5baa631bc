/**
 * Shapes shared by the LSTM engine, its checkpoints and its trainers. Weights use the Keras / TF.js Layers
 * layout so a checkpoint is a standard Layers model: LSTM kernel [in, 4H], recurrent kernel [H, 4H], one bias
 * [4H], gate order i, f, c, o; GRU kernel [in, 3H], recurrent [H, 3H], bias [3H], gate order z, r, h.
 */
import type { tf } from '../compute/tf.js';

export type CellKind = 'lstm' | 'gru';

/**
 * The gates' activation: the logistic sigmoid, or hard sigmoid as tfjs-layers and Keras 2 define it,
 * clip(0.2·x + 0.5, 0, 1) — the default of tf.layers.lstm / tf.layers.gru and of Keras before 2.3, so many
 * Layers models use it.
 */
export type RecurrentActivation = 'sigmoid' | 'hard_sigmoid';

/** Everything needed to rebuild a language model's graph (not its weights). */
export interface LanguageModelConfig {
  vocabSize: number;
  embedDim: number;
  hiddenSize: number;
  layers: number;
  cell: CellKind;
  /** Dropout between stacked layers and before the output projection; 0 disables it. */
  dropout: number;
  /**
   * Activation of the gates (LSTM i, f, o; GRU z, r). Absent means the cell's default
   * (DEFAULT_RECURRENT_ACTIVATION: sigmoid for LSTM, hard_sigmoid for GRU); checkpoint loading sets it only when a
   * model differs from that default, so configs of default models compare equal with or without it.
   */
  recurrentActivation?: RecurrentActivation;
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
 * What the engine computes for each cell by default, as TF.js Layers config values: a checkpoint's model.json
 * must declare these (with the config's recurrentActivation, when set) for `tf.loadLayersModel` to rebuild the
 * same function. LSTM defaults to the true sigmoid (Keras 2 and PyTorch); GRU to `tf.layers.gru`'s defaults in
 * TF.js 4.22 (hard sigmoid, no reset_after).
 */
export const CELL_ACTIVATIONS = {
  lstm: { activation: 'tanh', recurrentActivation: 'sigmoid', unitForgetBias: true },
  gru: { activation: 'tanh', recurrentActivation: 'hardSigmoid', resetAfter: false },
} as const;

export const DEFAULT_RECURRENT_ACTIVATION: Record<CellKind, RecurrentActivation> = { lstm: 'sigmoid', gru: 'hard_sigmoid' };

export const RECURRENT_ACTIVATIONS: readonly RecurrentActivation[] = ['sigmoid', 'hard_sigmoid'];

/** The gate activation a config runs with (its own, or its cell's default). */
export function recurrentActivationOf(config: Pick<LanguageModelConfig, 'cell' | 'recurrentActivation'>): RecurrentActivation {
  return config.recurrentActivation ?? DEFAULT_RECURRENT_ACTIVATION[config.cell];
}
