/**
 * How well a model predicts a text: the text's tokens t1..tN are read from a zero state and tokens 2..N are
 * predicted (the first has no context to be predicted from). The text runs through `loss` in chunks that
 * carry the state, so a long text never materialises more than one chunk's logits.
 *
 *   nll            mean natural-log loss per predicted token (nats), over tokens 2..N
 *   perplexity     exp(nll)
 *   bits_per_char  total nats / ln 2 / predicted characters
 *
 * "Predicted characters" are the Unicode code points of the text minus those of the first token: what
 * tokens 2..N spell in the original text. For a char model that is N − 1 (so bits_per_char = nll / ln 2);
 * for word and BPE models it is the characters of everything after the first word or piece — an `<unk>`
 * counts the characters of the word it stands for, not of "<unk>". That makes bits_per_char comparable
 * across char, word and BPE models on the same text.
 *
 * The text is read in plain typography (straight quotes, one dash: src/text/typography.ts), as every model
 * learned it.
 *
 * Characters a char or BPE vocabulary lacks are an UnknownTokensError naming them (a score of different text
 * would be misleading); a word vocabulary maps unknown words to `<unk>` as it did in training.
 */
import { tf } from '../compute/tf.js';
import type { LanguageModel } from '../model/languageModel.js';
import type { LayerState } from '../model/types.js';
import type { Tokenizer } from '../text/tokenizers/index.js';
import { isWordPiece, wordPieces } from '../text/tokenizers/pretokenize.js';
import { plainTypography } from '../text/typography.js';
import { disposeState } from './session.js';

export interface ScoreResult {
  /** Tokens in the text (N). */
  tokens: number;
  /** Mean nats per predicted token. */
  nll: number;
  perplexity: number;
  bits_per_char: number;
  /** N − 1. */
  predicted_tokens: number;
  /** Code points spelled by tokens 2..N. */
  predicted_chars: number;
}

export interface ScoreOptions {
  /** Tokens per `loss` call. Default 256. */
  chunkTokens?: number;
}

/** Token ids the way scoring reads a text: strict for char and BPE, `<unk>` for unknown words. */
export function encodeForScoring(tokenizer: Tokenizer, text: string): number[] {
  return tokenizer.encode(text, { onUnknown: tokenizer.level === 'word' ? 'unk' : 'throw' });
}

export function score(model: LanguageModel, tokenizer: Tokenizer, original: string, options: ScoreOptions = {}): ScoreResult {
  const text = plainTypography(original);
  const chunk = options.chunkTokens ?? 256;
  if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`chunkTokens must be a positive integer (got ${chunk})`);
  const ids = encodeForScoring(tokenizer, text);
  if (ids.length < 2) throw new RangeError(`a text needs at least 2 tokens to be scored; this one has ${ids.length}`);
  let total = 0;
  let state: LayerState[] | undefined;
  try {
    for (let start = 0; start < ids.length - 1; start += chunk) {
      const end = Math.min(ids.length - 1, start + chunk);
      const x = tf.tensor2d(ids.slice(start, end), [1, end - start], 'int32');
      const y = tf.tensor2d(ids.slice(start + 1, end + 1), [1, end - start], 'int32');
      const { loss, finalState } = model.loss(x, y, state);
      total += loss.dataSync()[0]! * (end - start);
      tf.dispose([x, y, loss]);
      if (state) disposeState(state);
      state = finalState;
    }
  } finally {
    if (state) disposeState(state);
  }
  const predictedTokens = ids.length - 1;
  const predictedChars = codePoints(text) - codePoints(firstTokenText(tokenizer, ids[0]!, text));
  const nll = total / predictedTokens;
  return {
    tokens: ids.length,
    nll,
    perplexity: Math.exp(nll),
    bits_per_char: predictedChars > 0 ? total / Math.LN2 / predictedChars : Number.NaN,
    predicted_tokens: predictedTokens,
    predicted_chars: predictedChars,
  };
}

/** The text the first token covers: its own text, or for `<unk>` the word it replaced. */
function firstTokenText(tokenizer: Tokenizer, id: number, text: string): string {
  if (id !== tokenizer.unkId) return tokenizer.decode([id]);
  const firstChar = String.fromCodePoint(text.codePointAt(0) ?? 0);
  // A word tokenizer's <unk> stands for a whole unknown word, or for one character of a spelled-out space run.
  const piece = tokenizer.level === 'word' ? wordPieces(text)[0] : undefined;
  return piece !== undefined && isWordPiece(piece) ? piece : firstChar;
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}
