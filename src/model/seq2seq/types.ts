/**
 * Shapes of the encoder–decoder (seq2seq) model: its config, the special token ids it relies on, and the
 * per-batch inputs. Weights are a flat, ordered map from stable names to tensors (./weights.ts lists them);
 * the same names key the optimizer state and the checkpoint's seq2seq.json.
 */
import type { tf } from '../../compute/tf.js';

/** Additive (Bahdanau, "mlp") or multiplicative (Luong) attention. */
export type AttentionKind = 'bahdanau' | 'luong';
/** Luong's score: `general` sᵀ·W·m or `dot` sᵀ·m. */
export type LuongScore = 'general' | 'dot';

export interface SpecialIds {
  pad: number;
  /** Start of the target sequence (the decoder's first input). */
  bos: number;
  /** End of the target sequence. */
  eos: number;
  unk: number;
}

/** Everything needed to rebuild the model's graph (not its weights, not its tokenizers). */
export interface Seq2seqConfig {
  sourceVocabSize: number;
  targetVocabSize: number;
  /** One embedding for source and target (the same tokenizer on both sides). */
  sharedEmbedding: boolean;
  embedDim: number;
  /** Decoder state, encoder output (memory) and attention size. */
  hiddenSize: number;
  /** Encoder layers = decoder layers (each encoder layer's final state is bridged to its decoder layer). */
  layers: number;
  /** Bidirectional encoder layers, hiddenSize / 2 units per direction. */
  bidirectional: boolean;
  attention: AttentionKind;
  /** Only for Luong attention. */
  luongScore: LuongScore;
  /** Pointer-generator: copy source tokens (out-of-vocabulary ones too) into the output. */
  copy: boolean;
  /** Coverage vector fed to the attention score (See et al. 2017); its loss is a training option. */
  coverage: boolean;
  /**
   * Each source token also reads ln(how often it occurs in its source) (./sourceCounts.ts): Nallapati et al.'s
   * (2016) term-frequency feature. Absent in checkpoints made before it: false.
   */
  sourceCounts?: boolean;
  /** Dropout between stacked layers and on the attentional state before the output projection. */
  dropout: number;
  /** Longest source the model reads (longer ones are cut) and longest output it writes, in tokens. */
  maxSourceLen: number;
  maxTargetLen: number;
  /** Ids in the target vocabulary (the source one for `pad`/`unk` when the embedding is shared). */
  specials: SpecialIds;
  /** `<pad>` and `<unk>` in the source vocabulary. */
  sourceSpecials: { pad: number; unk: number };
}

export type Weights<T extends tf.Tensor = tf.Tensor> = Record<string, T>;

/**
 * One padded batch, batch-major ([B, S] and [B, T] row-major Int32Arrays). Sources are padded at the end
 * (the encoder holds its state over padding), targets too (masked in the loss).
 */
export interface Seq2seqBatch {
  batch: number;
  sourceLen: number;
  targetLen: number;
  /** Source ids in the source vocabulary (`<unk>` for unknown tokens), [B, S]. */
  source: Int32Array;
  /** Real length of each source. */
  sourceLengths: Int32Array;
  /**
   * Source tokens as ids in the target's extended vocabulary (copy): the target id when the token is in the
   * target vocabulary, else targetVocabSize + its index among the example's source OOVs. [B, S]
   */
  sourceExtended: Int32Array;
  /** Decoder inputs: `<s>` y1 … y(n−1), target-vocabulary ids (OOVs as `<unk>`), [B, T]. */
  decoderInput: Int32Array;
  /** Labels: y1 … yn `</s>`; with copy, an OOV found in the source has its extended id. [B, T] */
  labels: Int32Array;
  /** Real length of each target (labels), counting `</s>`. */
  targetLengths: Int32Array;
  /** Largest number of source OOVs of an example (the extended vocabulary's extra size). */
  oovCount: number;
}
