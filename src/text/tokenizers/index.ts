/**
 * Tokenizers: char (default), word and BPE behind one interface, trained from a corpus and saved as JSON beside
 * each checkpoint. Import from here.
 */
import { BpeTokenizer } from './bpe.js';
import { CharTokenizer } from './char.js';
import type { Tokenizer, TokenizerLevel, TrainTokenizerOptions } from './types.js';
import { WordTokenizer } from './word.js';

/** Learns a vocabulary from the text (or several documents, which are never joined across). */
export function trainTokenizer(level: 'char', text: string | readonly string[], options?: TrainTokenizerOptions): CharTokenizer;
export function trainTokenizer(level: 'word', text: string | readonly string[], options?: TrainTokenizerOptions): WordTokenizer;
export function trainTokenizer(level: 'bpe', text: string | readonly string[], options?: TrainTokenizerOptions): BpeTokenizer;
export function trainTokenizer(level: TokenizerLevel, text: string | readonly string[], options?: TrainTokenizerOptions): Tokenizer;
export function trainTokenizer(
  level: TokenizerLevel,
  text: string | readonly string[],
  options: TrainTokenizerOptions = {},
): Tokenizer {
  switch (level) {
    case 'char':
      return CharTokenizer.train(text, options);
    case 'word':
      return WordTokenizer.train(text, options);
    case 'bpe':
      return BpeTokenizer.train(text, options);
    default:
      throw new RangeError(`unknown tokenizer level ${JSON.stringify(level)}: expected char, word or bpe`);
  }
}

export { BpeTokenizer, DEFAULT_BPE_VOCAB } from './bpe.js';
export { CharTokenizer } from './char.js';
export { WordTokenizer, DEFAULT_WORD_VOCAB } from './word.js';
export { tokenizerFromJson, parseTokenizerJson } from './json.js';
export { endsSentence, isWordBoundary } from './boundaries.js';
export {
  type BpeTokenizerJson,
  type CharTokenizerJson,
  type DecodeOptions,
  type EncodeOptions,
  type Tokenizer,
  type TokenizerJson,
  type TokenizerLevel,
  type TrainTokenizerOptions,
  type WordTokenizerJson,
  TokenizerJsonError,
  UNK,
  UnknownTokensError,
  tokenizerLevels,
} from './types.js';
