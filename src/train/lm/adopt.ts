/**
 * Starting a language model from its parent (fine-tuning): the parent's weights and tokenizer, with room for the
 * characters of the new text the parent never saw. At the character level each new character gets an embedding
 * row (drawn like the parent's initial ones, seeded) and an output row whose bias is the parent's lowest, so it
 * starts as rare as anything the parent knows and every known character keeps exactly its trained weights. At
 * the word and BPE levels the parent's tokenizer is kept as it is: words it does not know read as `<unk>`, as
 * they would for the parent.
 */
import { tf } from '../../compute/tf.js';
import type { LoadedLanguageModelCheckpoint } from '../../model/checkpoint/index.js';
import { Rng } from '../../model/rng.js';
import type { LanguageModelConfig, LanguageModelWeights } from '../../model/types.js';
import { weightEntries } from '../../model/weights.js';
import { CharTokenizer, type Tokenizer, tokenizerFromJson } from '../../text/tokenizers/index.js';
import { DOCUMENT_SEPARATOR } from './data.js';

export interface Adopted {
  tokenizer: Tokenizer;
  config: LanguageModelConfig;
  /** New tensors the caller owns. */
  weights: LanguageModelWeights<tf.Tensor>;
  /** Characters the parent did not know, now in the vocabulary. */
  added: string[];
}

export function adoptParent(parent: LoadedLanguageModelCheckpoint, documents: readonly string[], seed: number, dropout: number): Adopted {
  const tokenizer = tokenizerFromJson(parent.tokenizerJson);
  const config = { ...parent.config, dropout };
  const copy = (): LanguageModelWeights<tf.Tensor> => ({
    embedding: parent.weights.embedding.clone(),
    layers: parent.weights.layers.map((l) => ({ kernel: l.kernel.clone(), recurrentKernel: l.recurrentKernel.clone(), bias: l.bias.clone() })),
    dense: { kernel: parent.weights.dense.kernel.clone(), bias: parent.weights.dense.bias.clone() },
  });
  if (!(tokenizer instanceof CharTokenizer)) return { tokenizer, config, weights: copy(), added: [] };

  const known = new Set(tokenizer.tokens);
  const added = new Set<string>();
  for (const text of [...documents, DOCUMENT_SEPARATOR]) for (const ch of text) if (!known.has(ch)) added.add(ch);
  if (added.size === 0) return { tokenizer, config, weights: copy(), added: [] };

  const newChars = [...added].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  const n = newChars.length;
  const { embedDim: e, hiddenSize: h } = config;
  const rng = new Rng(seed);
  const w = parent.weights;
  const lowest = Math.min(...w.dense.bias.dataSync());
  const weights = tf.tidy(() => ({
    embedding: tf.concat([w.embedding, tf.tensor2d(Float32Array.from({ length: n * e }, () => rng.normal()), [n, e])], 0),
    layers: w.layers.map((l) => ({ kernel: l.kernel.clone(), recurrentKernel: l.recurrentKernel.clone(), bias: l.bias.clone() })),
    dense: { kernel: tf.concat([w.dense.kernel, tf.zeros([h, n])], 1), bias: tf.concat([w.dense.bias, tf.fill([n], lowest)], 0) },
  }));
  return {
    tokenizer: new CharTokenizer([...tokenizer.tokens, ...newChars]),
    config: { ...config, vocabSize: config.vocabSize + n },
    weights,
    added: newChars,
  };
}

/** Frees a loaded parent's tensors (weights and optimizer state). */
export function disposeParent(parent: LoadedLanguageModelCheckpoint): void {
  tf.dispose(weightEntries(parent.weights).map(([, t]) => t));
  if (parent.optimizer) tf.dispose(parent.optimizer.state.map((s) => s.tensor));
}
