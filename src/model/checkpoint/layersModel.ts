/**
 * A language model as a standard TF.js Layers model: to model.json + weights.bin (topology from ./lmTopology,
 * weights in the engine's Keras layout), and back from any Layers model directory of that shape — Longhand's own,
 * one saved by tfjs-layers, or one converted from Keras — through `tf.loadLayersModel`, so whatever Longhand
 * loads is exactly what TF.js itself would load.
 */
import path from 'node:path';
import { tf } from '../../compute/tf.js';
import type { LanguageModelConfig, LanguageModelWeights, RecurrentLayerWeights } from '../types.js';
import { checkWeightShapes, gateCount, validateConfig, weightEntries } from '../weights.js';
import { CheckpointError, errorMessage } from './errors.js';
import { MODEL_FILE, layersArtifactsToFiles, readLayersArtifacts } from './fileIO.js';
import { languageModelTopology, languageModelWeightNames } from './lmTopology.js';
import { planLanguageModel } from './lmTopologyPlan.js';

export interface LayersModelFiles {
  modelJson: tf.io.ModelJSON;
  weightsBin: Uint8Array;
}

export interface LoadedLanguageModel {
  config: LanguageModelConfig;
  /** New tensors the caller owns. */
  weights: LanguageModelWeights<tf.Tensor>;
}

/** Reads the tensors (does not dispose them). Throws a plain Error for weights that do not fit the config: a caller bug. */
export async function languageModelToArtifacts(config: LanguageModelConfig, weights: LanguageModelWeights<tf.Tensor>): Promise<LayersModelFiles> {
  validateConfig(config);
  checkWeightShapes(config, weights);
  const names = languageModelWeightNames(config);
  const tensors = weightEntries(weights).map(([key, tensor], i) => {
    if (tensor.dtype !== 'float32') throw new Error(`Model weights: ${key} is ${tensor.dtype}, expected float32`);
    return { name: names[i]!, tensor };
  });
  const { data, specs } = await tf.io.encodeWeights(tensors);
  const { modelJson, files } = layersArtifactsToFiles({
    modelTopology: languageModelTopology(config),
    format: 'layers-model',
    generatedBy: `Longhand (TensorFlow.js tfjs-layers v${tf.version_layers})`,
    convertedBy: null,
    weightSpecs: specs,
    weightData: data,
  });
  return { modelJson, weightsBin: files['weights.bin'] as Uint8Array };
}

export async function artifactsToLanguageModel(dir: string): Promise<LoadedLanguageModel> {
  const root = path.resolve(dir);
  const artifacts = await readLayersArtifacts(root);
  const plan = planLanguageModel(artifacts.modelTopology, root);
  // A Keras training config can name losses or optimisers TF.js lacks; Longhand trains with its own.
  delete artifacts.trainingConfig;
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel({ load: async () => artifacts }, { strict: true });
  } catch (error) {
    throw new CheckpointError('invalid', `TF.js could not load ${MODEL_FILE} in ${root}: ${errorMessage(error)}`, root, MODEL_FILE, { cause: error });
  }
  try {
    const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
    const built = layers.map((layer) => layer.getClassName());
    if (built.join() !== plan.classNames.join()) {
      throw new CheckpointError('invalid', `TF.js built layers [${built.join(', ')}] from ${MODEL_FILE} in ${root}, expected [${plan.classNames.join(', ')}]`, root, MODEL_FILE);
    }
    const weights = extractWeights(plan.config, layers, plan);
    try {
      checkWeightShapes(plan.config, weights);
    } catch (error) {
      tf.dispose(weightEntries(weights).map(([, t]) => t));
      throw new CheckpointError('invalid', `${MODEL_FILE} in ${root}: ${errorMessage(error)}`, root, MODEL_FILE);
    }
    return { config: plan.config, weights };
  } finally {
    model.dispose();
  }
}

function extractWeights(
  config: LanguageModelConfig,
  layers: tf.layers.Layer[],
  plan: ReturnType<typeof planLanguageModel>,
): LanguageModelWeights<tf.Tensor> {
  // Copies that outlive the model (a clone shares the data, so this costs no memory).
  const take = (layer: tf.layers.Layer, name: string): tf.Tensor | null => {
    const variable = layer.weights.find((w) => w.originalName.split('/').pop() === name);
    return variable ? tf.tidy(() => tf.cast(variable.read(), 'float32')) : null;
  };
  const need = (layer: tf.layers.Layer, name: string): tf.Tensor => {
    const tensor = take(layer, name);
    if (!tensor) throw new Error(`layer ${layer.name} has no ${name} weight`);
    return tensor;
  };
  const created: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => (created.push(t), t);
  try {
    const units = gateCount(config) * config.hiddenSize;
    const embedding = keep(need(layers[plan.embedding]!, 'embeddings'));
    const recurrent: RecurrentLayerWeights<tf.Tensor>[] = plan.recurrent.map((index) => {
      const layer = layers[index]!;
      return {
        kernel: keep(need(layer, 'kernel')),
        recurrentKernel: keep(need(layer, 'recurrent_kernel')),
        bias: keep(take(layer, 'bias') ?? tf.zeros([units])),
      };
    });
    const denseLayer = layers[plan.dense]!;
    const dense = { kernel: keep(need(denseLayer, 'kernel')), bias: keep(take(denseLayer, 'bias') ?? tf.zeros([config.vocabSize])) };
    return { embedding, layers: recurrent, dense };
  } catch (error) {
    tf.dispose(created);
    throw error;
  }
}
