/**
 * A fine-tuning run's parent: the language model it starts from (the prose starter, one of the writer's models,
 * or a checkpoint folder). Read here from its files alone — no TensorFlow — so the service and the CLI can check
 * a parent and take its architecture when a run is created: a fine-tuned model has its parent's level, sizes
 * and cell, whatever else the request said.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { METADATA_FILE } from '../../model/checkpoint/directory.js';
import { parseLmMetadata } from '../../model/checkpoint/lmMetadata.js';
import { TOKENIZER_FILE } from '../../model/checkpoint/metadata.js';
import { SetupError } from '../errors.js';
import { readParent, verifyParentDir } from '../parentCheckpoint.js';

/** What a child inherits: the model's shape and how it reads text. */
export interface ParentArchitecture {
  level: 'char' | 'word' | 'bpe';
  embed: number;
  hidden: number;
  layers: number;
  cell: 'lstm' | 'gru';
  /** Word and BPE only: the parent's vocabulary size (the child keeps its tokenizer). */
  vocabSize?: number;
}

/**
 * The architecture of the language-model checkpoint in `dir`, after verifying its files (against `sha256` when
 * the store recorded one). SetupError, one line, for a folder that is missing, damaged, or not a language model.
 */
export async function parentArchitecture(dir: string, sha256?: string): Promise<ParentArchitecture> {
  const { metadata } = await verifyParentDir(dir, 'lm', sha256);
  return readParent(async () => {
    const meta = parseLmMetadata(metadata, dir, METADATA_FILE);
    const tokenizer = JSON.parse(await fs.readFile(path.join(dir, TOKENIZER_FILE), 'utf8')) as { level?: unknown; tokens?: unknown[] };
    const level = tokenizer.level === 'word' || tokenizer.level === 'bpe' ? tokenizer.level : 'char';
    const c = meta.config;
    return { level, embed: c.embedDim, hidden: c.hiddenSize, layers: c.layers, cell: c.cell, ...(level === 'char' ? {} : { vocabSize: c.vocabSize }) };
  });
}

/**
 * The settings a child takes from its parent. Asking for another level or size is refused (one line): a
 * fine-tuned model is its parent's network, trained on.
 */
export function inheritedSettings(parent: ParentArchitecture, asked: Partial<Record<keyof ParentArchitecture, unknown>>): ParentArchitecture {
  if (asked.level !== undefined && asked.level !== parent.level) {
    throw new SetupError(`the parent model reads text as ${parent.level === 'char' ? 'characters' : `${parent.level} tokens`}; a fine-tuned model keeps its parent's level (asked for ${String(asked.level)})`);
  }
  for (const key of ['embed', 'hidden', 'layers', 'cell', 'vocabSize'] as const) {
    if (asked[key] !== undefined && asked[key] !== parent[key]) {
      throw new SetupError(`a fine-tuned model keeps its parent's ${key} (${String(parent[key])}); it cannot be ${String(asked[key])}`);
    }
  }
  return parent;
}
