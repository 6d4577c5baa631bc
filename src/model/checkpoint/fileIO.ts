/**
 * A TF.js IOHandler over a directory on disk, and the model.json ⇄ artifacts conversion it needs. TF.js's own
 * `file://` handler lives in tfjs-node, which Longhand cannot rely on; this one works with any backend.
 * `load()` reads model.json and every weight shard its weightsManifest lists (flat names beside model.json)
 * and refuses weight files shorter or longer than the manifest describes; `save()` writes model.json and one
 * weights.bin non-atomically (checkpoints go through writeCheckpointDir instead).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { tf } from '../../compute/tf.js';
import { CheckpointError, errorMessage } from './errors.js';
import { weightSpecsSchema } from './metadata.js';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

export { weightSpecsSchema };

const modelJsonSchema = z.looseObject({
  modelTopology: z.record(z.string(), z.unknown()),
  format: z.string().optional(),
  weightsManifest: z.array(z.looseObject({ paths: z.array(z.string()).min(1), weights: weightSpecsSchema })),
});

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** Bytes a weight occupies in a weight file; NaN for strings, whose length is in the data. */
export function weightSpecBytes(spec: tf.io.WeightsManifestEntry): number {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  return size * (BYTES_PER_ELEMENT[spec.quantization?.dtype ?? spec.dtype] ?? Number.NaN);
}

export function fileSystemIOHandler(dir: string): tf.io.IOHandler {
  const root = path.resolve(dir);
  return {
    load: () => readLayersArtifacts(root),
    async save(artifacts) {
      const { files } = layersArtifactsToFiles(artifacts);
      await fs.mkdir(root, { recursive: true });
      for (const [name, data] of Object.entries(files)) await fs.writeFile(path.join(root, name), data);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

/** The files of a Layers model in the standard format: model.json (weightsManifest → one weights file) and the weights. */
export function layersArtifactsToFiles(
  artifacts: tf.io.ModelArtifacts,
  weightsFile = WEIGHTS_FILE,
): { modelJson: tf.io.ModelJSON; files: Record<string, Uint8Array | string> } {
  if (artifacts.modelTopology == null || artifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error('Only models with a JSON topology (TF.js Layers models) can be written as model.json');
  }
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs ?? [] }],
  };
  for (const key of ['trainingConfig', 'signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature'] as const) {
    if (artifacts[key] != null) Object.assign(modelJson, { [key]: artifacts[key] });
  }
  const weights = artifacts.weightData == null ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  return { modelJson, files: { [MODEL_FILE]: modelJsonText(modelJson), [weightsFile]: new Uint8Array(weights) } };
}

export function modelJsonText(modelJson: tf.io.ModelJSON): string {
  return `${JSON.stringify(modelJson)}\n`;
}

/** Reads and checks model.json's outer shape (not the topology: see ./layersTopology). */
export async function readModelJson(dir: string): Promise<tf.io.ModelJSON> {
  const root = path.resolve(dir);
  let text: string;
  try {
    text = await fs.readFile(path.join(root, MODEL_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new CheckpointError('missing', `no ${MODEL_FILE} in ${root}: a checkpoint is a TF.js Layers model directory (model.json, weight files, tokenizer.json)`, root, MODEL_FILE);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError('invalid', `${MODEL_FILE} in ${root} is not valid JSON (${errorMessage(error)})`, root, MODEL_FILE);
  }
  const format = (value as { format?: unknown } | null)?.format;
  if (format === 'graph-model') {
    throw new CheckpointError('unsupported', `${MODEL_FILE} in ${root} is a TF.js graph model (converted from a SavedModel); Longhand loads Layers models (Embedding → LSTM/GRU… → Dense)`, root, MODEL_FILE);
  }
  const parsed = modelJsonSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CheckpointError('invalid', `${MODEL_FILE} in ${root} is not a TF.js Layers model.json: ${issue.path.join('.') || '(root)'}: ${issue.message}`, root, MODEL_FILE);
  }
  return parsed.data as unknown as tf.io.ModelJSON;
}

/** model.json and its weight shards, as the artifacts `tf.loadLayersModel` expects. */
export async function readLayersArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const root = path.resolve(dir);
  const modelJson = await readModelJson(root);
  return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      let held = 0;
      for (const shard of group.paths) {
        if (path.basename(shard) !== shard || shard === '.' || shard === '..') {
          throw new CheckpointError('unsupported', `${MODEL_FILE} in ${root} lists weight file "${shard}"; Longhand reads weight files that sit beside model.json`, root, MODEL_FILE);
        }
        let data: Buffer;
        try {
          data = await fs.readFile(path.join(root, shard));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          throw new CheckpointError('missing', `${MODEL_FILE} in ${root} lists weight file ${shard}, which is missing`, root, shard);
        }
        held += data.byteLength;
        buffers.push(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
      }
      const needed = group.weights.reduce((sum, spec) => sum + weightSpecBytes(spec), 0);
      if (!Number.isNaN(needed) && held !== needed) {
        const files = group.paths.join(', ');
        const what = held < needed ? `${files} ${group.paths.length > 1 ? 'are' : 'is'} truncated` : `${files} do${group.paths.length > 1 ? '' : 'es'} not belong to this model.json`;
        throw new CheckpointError('truncated', `${what}: ${MODEL_FILE} in ${root} describes ${needed} bytes of weights, the file${group.paths.length > 1 ? 's hold' : ' holds'} ${held}`, root, group.paths[0]);
      }
    }
    return [tf.io.getWeightSpecs(manifest), buffers];
  });
}
