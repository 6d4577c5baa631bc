/**
 * Padded batches from encoded pairs (./codec.ts): sources and targets padded at the end, decoder inputs
 * `<s>` y1 … and labels y1 … `</s>`. Extended ids (copied OOVs) stay in the labels only; the decoder reads
 * `<unk>` for them.
 */
import type { EncodedPair } from './codec.js';
import type { Seq2seqBatch, Seq2seqConfig } from './types.js';

export function makeBatch(pairs: readonly EncodedPair[], config: Seq2seqConfig): Seq2seqBatch {
  if (pairs.length === 0) throw new Error('A batch needs at least one pair');
  const batch = pairs.length;
  const vocab = config.targetVocabSize;
  const { bos, eos, pad, unk } = config.specials;
  const sourceLen = Math.max(...pairs.map((p) => p.source.ids.length));
  const targetLen = Math.max(...pairs.map((p) => p.target.length + 1));
  if (sourceLen === 0) throw new Error('Every source in a batch is empty');
  const source = new Int32Array(batch * sourceLen).fill(config.sourceSpecials.pad);
  const sourceExtended = new Int32Array(batch * sourceLen).fill(pad);
  const sourceLengths = new Int32Array(batch);
  const decoderInput = new Int32Array(batch * targetLen).fill(pad);
  const labels = new Int32Array(batch * targetLen).fill(pad);
  const targetLengths = new Int32Array(batch);
  let oovCount = 0;
  pairs.forEach((pair, b) => {
    const { ids, extended, oovs } = pair.source;
    if (ids.length === 0) throw new Error(`Pair ${b} of the batch has an empty source`);
    source.set(ids, b * sourceLen);
    sourceExtended.set(config.copy ? extended : ids.map(() => pad), b * sourceLen);
    sourceLengths[b] = ids.length;
    oovCount = Math.max(oovCount, oovs.length);
    const target = pair.target.map((id) => (id >= vocab && !config.copy ? unk : id));
    decoderInput[b * targetLen] = bos;
    target.forEach((id, t) => {
      labels[b * targetLen + t] = id;
      if (t + 1 < targetLen) decoderInput[b * targetLen + t + 1] = id >= vocab ? unk : id;
    });
    labels[b * targetLen + target.length] = eos;
    targetLengths[b] = target.length + 1;
  });
  return { batch, sourceLen, targetLen, source, sourceLengths, sourceExtended, decoderInput, labels, targetLengths, oovCount };
}
