/**
 * Word tokenizer. Text is cut into words, whitespace runs and single other characters (./pretokenize), so
 * whitespace is explicit: " " and "\n\n" are tokens of their own and decoding is plain concatenation. The
 * vocabulary is capped: every punctuation and whitespace character seen in training is kept first (so any
 * whitespace run or punctuation can still be spelled), then the most frequent words and whitespace runs fill
 * the rest (ties by code-point order); everything else encodes as `<unk>`. So `decode(encode(text))` returns
 * the text exactly, except that each unknown word becomes "<unk>". Case is kept ("The" and "the" differ).
 */
import { wordPieces, isWordPiece } from './pretokenize.js';
import {
  type DecodeOptions,
  type EncodeOptions,
  type Tokenizer,
  TokenizerJsonError,
  UNK,
  UnknownTokensError,
  type WordTokenizerJson,
  quote,
} from './types.js';
import { checkSpecials, checkSpecialsPrefix, codePointLength, compareCodePoints, decodeIds, idIndex, optionError, withUnk } from './vocab.js';

export const DEFAULT_WORD_VOCAB = 10_000;

export class WordTokenizer implements Tokenizer {
  readonly level = 'word' as const;
  readonly tokens: readonly string[];
  readonly specials: readonly string[];
  readonly unkId: number;
  private readonly index: Map<string, number>;
  /** Ordinary (non-special) tokens only: text must never encode to a special. */
  private readonly pieceIds = new Map<string, number>();

  constructor(specials: readonly string[], tokens: readonly string[]) {
    checkSpecials(specials, 'word');
    if (!specials.includes(UNK)) throw new TokenizerJsonError(`word: the specials must include ${quote(UNK)}`);
    checkSpecialsPrefix('word', specials, tokens);
    tokens.forEach((token, id) => {
      if (id < specials.length) return;
      if (token.length === 0) throw new TokenizerJsonError(`word: tokens[${id}] is empty`);
      const first = this.pieceIds.get(token);
      if (first !== undefined) throw new TokenizerJsonError(`word: ${quote(token)} appears twice (tokens[${first}] and tokens[${id}])`);
      this.pieceIds.set(token, id);
    });
    this.specials = [...specials];
    this.tokens = [...tokens];
    this.index = idIndex(this.tokens);
    this.unkId = specials.indexOf(UNK);
  }

  static train(
    texts: string | readonly string[],
    options: { specials?: readonly string[]; vocabSize?: number; minFrequency?: number } = {},
  ): WordTokenizer {
    const specials = withUnk(checkSpecials(options.specials ?? [], 'word', optionError));
    const cap = options.vocabSize ?? DEFAULT_WORD_VOCAB;
    const minFrequency = options.minFrequency ?? 1;
    if (!Number.isInteger(cap) || cap < specials.length) {
      throw optionError(`word vocabSize must be an integer of at least ${specials.length} (the specials), got ${cap}`);
    }

    const counts = new Map<string, number>();
    for (const text of typeof texts === 'string' ? [texts] : texts) {
      for (const piece of wordPieces(text)) counts.set(piece, (counts.get(piece) ?? 0) + 1);
    }
    // Single characters of every non-word piece: the alphabet that keeps whitespace and punctuation spellable.
    const spelling = new Set<string>();
    for (const piece of counts.keys()) if (!isWordPiece(piece)) for (const ch of piece) spelling.add(ch);

    const byFrequency = (a: string, b: string) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || compareCodePoints(a, b);
    const room = cap - specials.length;
    const kept = [...spelling].sort(byFrequency).slice(0, room);
    const keptSet = new Set(kept);
    const rest = [...counts.keys()]
      .filter((piece) => !keptSet.has(piece) && (counts.get(piece) ?? 0) >= minFrequency)
      .sort(byFrequency)
      .slice(0, room - kept.length);
    return new WordTokenizer(specials, [...specials, ...[...kept, ...rest].sort(byFrequency)]);
  }

  get vocabSize(): number {
    return this.tokens.length;
  }

  idOf(token: string): number | undefined {
    return this.index.get(token);
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    const ids: number[] = [];
    let unknown: Set<string> | undefined;
    for (const piece of wordPieces(text)) {
      const id = this.pieceIds.get(piece);
      if (id !== undefined) {
        ids.push(id);
      } else if (!isWordPiece(piece) && codePointLength(piece) > 1) {
        // An unseen whitespace run: spell it character by character.
        for (const ch of piece) {
          const charId = this.pieceIds.get(ch);
          if (charId === undefined) (unknown ??= new Set()).add(ch);
          ids.push(charId ?? this.unkId);
        }
      } else {
        (unknown ??= new Set()).add(piece);
        ids.push(this.unkId);
      }
    }
    if (unknown && options.onUnknown === 'throw') throw new UnknownTokensError('words', [...unknown]);
    return ids;
  }

  decode(ids: ArrayLike<number>, options?: DecodeOptions): string {
    return decodeIds(this.tokens, this.specials.length, ids, options);
  }

  toJSON(): WordTokenizerJson {
    return { level: 'word', specials: [...this.specials], tokens: [...this.tokens] };
  }
}
