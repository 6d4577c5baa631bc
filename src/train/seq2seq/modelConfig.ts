/** An encoder–decoder run's model: the settings' sizes and switches, with the vocabularies of its codec. */
import type { Seq2seqCodec } from '../../model/seq2seq/codec.js';
import type { Seq2seqConfig } from '../../model/seq2seq/types.js';
import type { Seq2seqSettings } from '../config.js';

/** The model's own config: the training settings' sizes and switches, the vocabularies from the codec. */
export function modelConfig(config: Seq2seqSettings, codec: Seq2seqCodec): Seq2seqConfig {
  return {
    sourceVocabSize: codec.source.vocabSize,
    targetVocabSize: codec.target.vocabSize,
    sharedEmbedding: codec.shared,
    embedDim: config.embed,
    hiddenSize: config.hidden,
    layers: config.layers,
    bidirectional: config.bidirectional,
    attention: config.attention,
    luongScore: config.luongScore,
    copy: config.copy,
    coverage: config.coverage,
    sourceCounts: config.sourceCounts ?? false,
    dropout: config.dropout,
    maxSourceLen: config.maxSourceLen,
    maxTargetLen: config.maxTargetLen,
    specials: codec.specials,
    sourceSpecials: { pad: 0, unk: 3 },
  };
}
