/**
 * Checking a folder before Longhand imports it: a Longhand checkpoint (longhand.json; a language model or a
 * seq2seq model) or a plain TF.js Layers model with tokenizer.json beside it. The model is loaded for real (verified against its manifest, topology
 * read, weights decoded) and disposed of again; what comes back says what to copy and how to describe it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../contract/errors.js';
import { tf } from '../compute/tf.js';
import { CheckpointError, METADATA_FILE, MODEL_FILE, TOKENIZER_FILE, loadLanguageModelCheckpoint } from '../model/checkpoint/index.js';
import { readModelJson } from '../model/checkpoint/fileIO.js';
import { loadSeq2seqCheckpoint } from '../model/seq2seq/checkpoint.js';
import { weightEntries } from '../model/weights.js';
import type { CheckpointInfo } from './table.js';

export async function inspectCheckpoint(dir: string, signal: AbortSignal): Promise<CheckpointInfo> {
  const root = path.resolve(dir);
  try {
    if ((await metadataKind(root)) === 'seq2seq') return await inspectSeq2seq(root, signal);
    const loaded = await loadLanguageModelCheckpoint(root);
    const tensors: tf.Tensor[] = [...weightEntries(loaded.weights).map(([, t]) => t), ...(loaded.optimizer?.state.map((s) => s.tensor) ?? [])];
    tf.dispose(tensors);
    if (signal.aborted) throw new ApiError('Cancelled', 'Cancelled.');

    let files: string[];
    if (loaded.meta) files = Object.keys(loaded.digest.files);
    else {
      const modelJson = await readModelJson(root);
      const shards = (modelJson.weightsManifest ?? []).flatMap((group) => group.paths);
      files = [...new Set([MODEL_FILE, ...shards, TOKENIZER_FILE])];
    }
    const level = (loaded.tokenizerJson as { level?: unknown }).level;
    const c = loaded.config;
    return {
      kind: 'lm',
      task: null,
      step: loaded.meta?.step ?? 0,
      metrics: loaded.meta?.metrics ?? {},
      config: {
        level: typeof level === 'string' ? level : 'char',
        vocabSize: c.vocabSize,
        embed: c.embedDim,
        hidden: c.hiddenSize,
        layers: c.layers,
        cell: c.cell,
        dropout: c.dropout,
      },
      files: files.sort(),
    };
  } catch (error) {
    if (error instanceof CheckpointError || (error instanceof Error && error.name === 'TokenizerJsonError')) {
      throw new ApiError('ValidationError', error.message);
    }
    throw error;
  }
}

/** A seq2seq checkpoint, verified and loaded (weights decoded, tokenizers read) and disposed of again. */
async function inspectSeq2seq(root: string, signal: AbortSignal): Promise<CheckpointInfo> {
  const loaded = await loadSeq2seqCheckpoint(root);
  tf.dispose([...Object.values(loaded.weights), ...(loaded.optimizer?.state.map((s) => s.tensor) ?? [])]);
  if (signal.aborted) throw new ApiError('Cancelled', 'Cancelled.');
  const c = loaded.config;
  return {
    kind: 'seq2seq',
    task: loaded.meta.task,
    step: loaded.meta.step,
    metrics: loaded.meta.metrics,
    config: {
      level: loaded.codec.level,
      vocabSize: c.targetVocabSize,
      embed: c.embedDim,
      hidden: c.hiddenSize,
      layers: c.layers,
      cell: 'lstm',
      dropout: c.dropout,
      attention: c.attention,
      copy: c.copy,
      coverage: c.coverage,
      maxSourceLen: c.maxSourceLen,
      maxTargetLen: c.maxTargetLen,
    },
    files: Object.keys(loaded.digest.files).sort(),
  };
}

/** The `kind` longhand.json declares, or null when there is none (a plain Layers model) or it is unreadable. */
export async function metadataKind(root: string): Promise<string | null> {
  try {
    const value = JSON.parse(await fs.readFile(path.join(root, METADATA_FILE), 'utf8')) as { kind?: unknown };
    return typeof value.kind === 'string' ? value.kind : null;
  } catch {
    return null;
  }
}
