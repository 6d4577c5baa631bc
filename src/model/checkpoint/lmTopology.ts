/**
 * The Keras/TF.js Layers topology of a Longhand language model, written by hand so that it is deterministic
 * (fixed layer names, no global name counters) and costs nothing to build (constructing tf.layers would run
 * their initialisers, and the orthogonal one takes minutes on a 256-unit layer). It is exactly what
 * tfjs-layers 4.22 serialises for the same layers (a test compares the two):
 *
 *   Embedding(V, E) → [LSTM|GRU](H, return_sequences) → Dropout(p)? → … (L times) → Dense(V, softmax)
 *
 * The recurrent layers declare the config's gate activation (recurrent_activation sigmoid or hard_sigmoid, as
 * Keras and tfjs-layers name them), so tf.loadLayersModel runs the same function as the engine.
 * Dropout layers (after each recurrent layer, where the engine applies dropout) are written when the config's
 * dropout is above 0: they do nothing at inference, and they let a plain Layers loader (and Longhand, reading a
 * checkpoint without longhand.json) recover the training dropout. The output is softmax so that `predict`
 * gives probabilities, as a Keras language model would; the weights are the same as for logits. Initialisers
 * describe how the engine initialises a fresh model (src/model/weights.ts), for anyone training from the file.
 */
import { tf } from '../../compute/tf.js';
import { CELL_ACTIVATIONS, type LanguageModelConfig, recurrentActivationOf } from '../types.js';

export const LM_MODEL_NAME = 'longhand_lm';

const initializer = (className: string, config: Record<string, unknown> = {}) => ({ class_name: className, config });
const glorotUniform = () => initializer('VarianceScaling', { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null });

/** camelCase TF.js activation identifiers to the snake_case Keras ones model.json uses. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function recurrentLayerName(config: Pick<LanguageModelConfig, 'cell'>, layer: number): string {
  return `${config.cell}_${layer + 1}`;
}

/** Layers weight names in the engine's weightEntries order (embedding, layers.N.{kernel,recurrentKernel,bias}, dense). */
export function languageModelWeightNames(config: LanguageModelConfig): string[] {
  const names = ['embedding/embeddings'];
  for (let l = 0; l < config.layers; l++) {
    const layer = recurrentLayerName(config, l);
    names.push(`${layer}/kernel`, `${layer}/recurrent_kernel`, `${layer}/bias`);
  }
  names.push('dense/kernel', 'dense/bias');
  return names;
}

export function languageModelTopology(config: LanguageModelConfig): Record<string, unknown> {
  const layers: unknown[] = [
    {
      class_name: 'Embedding',
      config: {
        input_dim: config.vocabSize,
        output_dim: config.embedDim,
        embeddings_initializer: initializer('RandomUniform', { minval: -0.05, maxval: 0.05, seed: null }),
        embeddings_regularizer: null,
        activity_regularizer: null,
        embeddings_constraint: null,
        mask_zero: false,
        input_length: null,
        name: 'embedding',
        trainable: true,
        batch_input_shape: [null, null],
        dtype: 'float32',
      },
    },
  ];
  const cell = CELL_ACTIVATIONS[config.cell];
  for (let l = 0; l < config.layers; l++) {
    layers.push({
      class_name: config.cell === 'lstm' ? 'LSTM' : 'GRU',
      config: {
        name: recurrentLayerName(config, l),
        trainable: true,
        units: config.hiddenSize,
        activation: snakeCase(cell.activation),
        recurrent_activation: recurrentActivationOf(config),
        use_bias: true,
        kernel_initializer: glorotUniform(),
        recurrent_initializer: initializer('Orthogonal', { gain: 1, seed: null }),
        bias_initializer: initializer('Zeros'),
        ...('unitForgetBias' in cell ? { unit_forget_bias: cell.unitForgetBias } : {}),
        kernel_regularizer: null,
        recurrent_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        recurrent_constraint: null,
        bias_constraint: null,
        dropout: 0,
        recurrent_dropout: 0,
        implementation: null,
        ...('resetAfter' in cell ? { reset_after: cell.resetAfter } : {}),
        return_sequences: true,
        return_state: false,
        go_backwards: false,
        stateful: false,
        unroll: false,
      },
    });
    if (config.dropout > 0) {
      layers.push({ class_name: 'Dropout', config: { rate: config.dropout, noise_shape: null, seed: null, name: `dropout_${l + 1}`, trainable: true } });
    }
  }
  layers.push({
    class_name: 'Dense',
    config: {
      units: config.vocabSize,
      activation: 'softmax',
      use_bias: true,
      kernel_initializer: glorotUniform(),
      bias_initializer: initializer('Zeros'),
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
      name: 'dense',
      trainable: true,
    },
  });
  return {
    class_name: 'Sequential',
    config: { name: LM_MODEL_NAME, layers },
    keras_version: `tfjs-layers ${tf.version_layers}`,
    backend: 'tensor_flow.js',
  };
}
