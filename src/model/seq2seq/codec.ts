/**
 * Text ⇄ token ids for the seq2seq model, on top of src/text/tokenizers, with what copying needs: the source's
 * pieces as text, so a word the vocabulary lacks (a character's name) can still be copied into the output
 * through an extended id (targetVocabSize + its index among the example's OOVs).
 *
 * Levels:
 *  - word: words and punctuation (the word tokenizer's pieces without the whitespace runs, which would double
 *    every sequence); decoding joins them with spaces and tidies punctuation (`detokenize`).
 *  - char: code points, whitespace runs collapsed to one space.
 *  - bpe: the BPE tokenizer's tokens (spaces ride on the following word); OOV copying is limited to what the
 *    byte-less alphabet cannot spell, which the tokenizer maps to `<unk>`.
 *
 * Both sides use `<pad>`, `<s>`, `</s>`, `<unk>` as ids 0–3.
 */
import { BpeTokenizer, CharTokenizer, type Tokenizer, type TokenizerLevel, UNK, WordTokenizer } from '../../text/tokenizers/index.js';
import { wordPieces } from '../../text/tokenizers/pretokenize.js';
import { plainTypography } from '../../text/typography.js';
import type { SpecialIds } from './types.js';

export const SEQ2SEQ_SPECIALS = ['<pad>', '<s>', '</s>', UNK] as const;
export const DEFAULT_WORD_VOCAB_SEQ2SEQ = 10_000;

export interface EncodedSource {
  /** Source-vocabulary ids. */
  ids: number[];
  /** The same tokens in the target's extended vocabulary. */
  extended: number[];
  /** Text of each token. */
  pieces: string[];
  /** The example's out-of-vocabulary tokens (extended id = targetVocabSize + index). */
  oovs: string[];
  /** True when the source was longer than the limit and was cut. */
  truncated: boolean;
}

export interface EncodedPair {
  source: EncodedSource;
  /** Target ids without `<s>`/`</s>`; source OOVs as extended ids when copying, else `<unk>`. */
  target: number[];
}

export class Seq2seqCodec {
  readonly shared: boolean;

  constructor(
    readonly level: TokenizerLevel,
    readonly source: Tokenizer,
    readonly target: Tokenizer,
  ) {
    this.shared = source === target;
    for (const [side, tokenizer] of [['source', source], ['target', target]] as const) {
      SEQ2SEQ_SPECIALS.forEach((special, id) => {
        if (tokenizer.idOf(special) !== id) throw new Error(`The ${side} tokenizer must have ${special} as token ${id} for a seq2seq model`);
      });
      if (tokenizer.level !== level) throw new Error(`The ${side} tokenizer is ${tokenizer.level}-level, expected ${level}`);
    }
  }

  get specials(): SpecialIds {
    return { pad: 0, bos: 1, eos: 2, unk: 3 };
  }

  /**
   * The text's tokens as strings, the way this level cuts it, in plain typography (straight quotes, em dash):
   * novels mix ’ and ', and a word-level vocabulary would otherwise learn "don’t" and "don't" apart.
   */
  pieces(raw: string, side: 'source' | 'target' = 'source'): string[] {
    const text = plainTypography(raw);
    switch (this.level) {
      case 'word':
        return wordPieces(text).filter((p) => p.trim() !== '');
      case 'char':
        return Array.from(normaliseSpaces(text));
      case 'bpe': {
        const tokenizer = side === 'source' ? this.source : this.target;
        return tokenizer.encode(normaliseSpaces(text), { onUnknown: 'unk' }).map((id) => tokenizer.tokens[id]!);
      }
    }
  }

  encodeSource(text: string, maxLen: number): EncodedSource {
    const all = this.pieces(text, 'source');
    const pieces = all.slice(0, maxLen);
    const oovs: string[] = [];
    const oovIndex = new Map<string, number>();
    const ids: number[] = [];
    const extended: number[] = [];
    const vocab = this.target.vocabSize;
    for (const piece of pieces) {
      ids.push(this.source.idOf(piece) ?? 3);
      const targetId = this.target.idOf(piece);
      if (targetId !== undefined && targetId >= SEQ2SEQ_SPECIALS.length) {
        extended.push(targetId);
      } else if (piece === UNK) {
        extended.push(3);
      } else {
        let index = oovIndex.get(piece);
        if (index === undefined) {
          index = oovs.length;
          oovs.push(piece);
          oovIndex.set(piece, index);
        }
        extended.push(vocab + index);
      }
    }
    return { ids, extended, pieces, oovs, truncated: all.length > maxLen };
  }

  /** Target ids (no `<s>`/`</s>`), cut to maxLen; with `copy`, OOVs found in the source get extended ids. */
  encodeTarget(text: string, maxLen: number, source: EncodedSource | null): number[] {
    const out: number[] = [];
    for (const piece of this.pieces(text, 'target').slice(0, maxLen)) {
      const id = this.target.idOf(piece);
      if (id !== undefined && id >= SEQ2SEQ_SPECIALS.length) out.push(id);
      else {
        const index = source ? source.oovs.indexOf(piece) : -1;
        out.push(index >= 0 ? this.target.vocabSize + index : 3);
      }
    }
    return out;
  }

  encodePair(pair: { source: string; target: string }, maxSource: number, maxTarget: number, copy: boolean): EncodedPair {
    const source = this.encodeSource(pair.source, maxSource);
    return { source, target: this.encodeTarget(pair.target, maxTarget, copy ? source : null) };
  }

  /** Token strings of output ids (extended ids through `oovs`). */
  tokenStrings(ids: readonly number[], oovs: readonly string[] = []): string[] {
    const vocab = this.target.vocabSize;
    return ids.map((id) => (id < vocab ? this.target.tokens[id]! : (oovs[id - vocab] ?? UNK)));
  }

  /** Output text from token strings (specials dropped). */
  detokenize(tokens: readonly string[]): string {
    const kept = tokens.filter((t) => !(SEQ2SEQ_SPECIALS as readonly string[]).includes(t) || t === UNK);
    if (this.level !== 'word') return kept.join('').trim();
    return detokenizeWords(kept);
  }
}

function normaliseSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const NO_SPACE_BEFORE = /^(?:[.,!?;:%)\]}”’»…]|'s|n't|'re|'ve|'ll|'d|'m)$/i;
const NO_SPACE_AFTER = /^[([{“‘«$£€¥#]$/;

/** Words and punctuation → text: no space before closing punctuation or after opening brackets and
 * currency signs; straight quotes (" and ' on their own) alternate opening and closing. */
export function detokenizeWords(tokens: readonly string[]): string {
  let out = '';
  const open = { '"': false, "'": false };
  let glueNext = true;
  for (const token of tokens) {
    // Numbers cut at separators: "150" "," "000" → "150,000"; "15" "." "7" → "15.7".
    let glue = glueNext || NO_SPACE_BEFORE.test(token) || (/^\d/.test(token) && /\d[.,]$/.test(out));
    glueNext = NO_SPACE_AFTER.test(token);
    if (token === '"' || token === "'") {
      if (open[token]) glue = true;
      else glueNext = true;
      open[token] = !open[token];
    }
    out += glue || out === '' ? token : ` ${token}`;
  }
  return out;
}

export interface BuildCodecOptions {
  level: TokenizerLevel;
  /** One tokenizer for both sides (default true). */
  shared?: boolean;
  /** Vocabulary cap for word (default 10 000) and BPE (default 2 000) levels, specials included. */
  vocabSize?: number;
  /** Words seen fewer times are left out (word level; default 1). */
  minFrequency?: number;
}

/** Learns the tokenizer(s) from training pairs. */
export function buildCodec(pairs: readonly { source: string; target: string }[], options: BuildCodecOptions): Seq2seqCodec {
  const shared = options.shared ?? true;
  const train = (raw: string[]): Tokenizer => {
    const texts = raw.map(plainTypography);
    switch (options.level) {
      case 'word':
        return wordVocabulary(texts, options.vocabSize ?? DEFAULT_WORD_VOCAB_SEQ2SEQ, options.minFrequency ?? 1);
      case 'char':
        return CharTokenizer.train(texts.map(normaliseSpaces), { specials: SEQ2SEQ_SPECIALS });
      case 'bpe':
        return BpeTokenizer.train(texts.map(normaliseSpaces), { specials: SEQ2SEQ_SPECIALS, ...(options.vocabSize ? { vocabSize: options.vocabSize } : {}) });
    }
  };
  if (shared) {
    const tokenizer = train(pairs.flatMap((p) => [p.source, p.target]));
    return new Seq2seqCodec(options.level, tokenizer, tokenizer);
  }
  return new Seq2seqCodec(options.level, train(pairs.map((p) => p.source)), train(pairs.map((p) => p.target)));
}

/** A word vocabulary of the most frequent non-whitespace pieces (ties by code unit order). */
function wordVocabulary(texts: readonly string[], cap: number, minFrequency: number): WordTokenizer {
  const counts = new Map<string, number>();
  for (const text of texts) for (const piece of wordPieces(text)) if (piece.trim() !== '') counts.set(piece, (counts.get(piece) ?? 0) + 1);
  const room = Math.max(0, cap - SEQ2SEQ_SPECIALS.length);
  const kept = [...counts.entries()]
    .filter(([piece, n]) => n >= minFrequency && !(SEQ2SEQ_SPECIALS as readonly string[]).includes(piece))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, room)
    .map(([piece]) => piece);
  return new WordTokenizer(SEQ2SEQ_SPECIALS, [...SEQ2SEQ_SPECIALS, ...kept]);
}
