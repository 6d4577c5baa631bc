/**
 * Character tokenizer, the default: one token per Unicode code point (an emoji is one token, not two UTF-16
 * halves), ids ordered by code point after any specials. Saved as exactly `{"level":"char","tokens":[...]}`;
 * specials there are recognised as the leading tokens longer than one character, so a char-level special must
 * be at least two characters long.
 */
import {
  type CharTokenizerJson,
  type DecodeOptions,
  type EncodeOptions,
  type Tokenizer,
  TokenizerJsonError,
  UNK,
  UnknownTokensError,
  quote,
} from './types.js';
import { checkSpecials, codePointLength, decodeIds, idIndex, optionError } from './vocab.js';

export class CharTokenizer implements Tokenizer {
  readonly level = 'char' as const;
  readonly tokens: readonly string[];
  readonly specials: readonly string[];
  readonly unkId: number | undefined;
  private readonly index: Map<string, number>;
  private readonly charIds: Map<string, number>;

  /** Validates `tokens` (specials first, then distinct single characters) and builds the lookup tables. */
  constructor(tokens: readonly string[]) {
    const specialCount = tokens.findIndex((token) => codePointLength(token) === 1);
    const specials = tokens.slice(0, specialCount < 0 ? tokens.length : specialCount);
    checkSpecials(specials, 'char');
    const charIds = new Map<string, number>();
    tokens.forEach((token, id) => {
      if (id < specials.length) return;
      const length = codePointLength(token);
      if (length !== 1) {
        throw new TokenizerJsonError(
          length === 0
            ? `char: tokens[${id}] is empty`
            : `char: tokens[${id}] ${quote(token)} is longer than one character; special tokens must come before the characters`,
        );
      }
      if (charIds.has(token)) throw new TokenizerJsonError(`char: ${quote(token)} appears twice (tokens[${charIds.get(token)}] and tokens[${id}])`);
      charIds.set(token, id);
    });
    this.tokens = [...tokens];
    this.specials = specials;
    this.charIds = charIds;
    this.index = idIndex(this.tokens);
    this.unkId = specials.includes(UNK) ? specials.indexOf(UNK) : undefined;
  }

  static train(texts: string | readonly string[], options: { specials?: readonly string[] } = {}): CharTokenizer {
    const specials = checkSpecials(options.specials ?? [], 'char', optionError);
    for (const special of specials) {
      if (codePointLength(special) < 2) {
        throw optionError(`char specials: ${quote(special)} is a single character, which text could produce; use at least two`);
      }
    }
    const chars = new Set<string>();
    for (const text of typeof texts === 'string' ? [texts] : texts) for (const ch of text) chars.add(ch);
    const sorted = [...chars].sort((a, b) => (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0));
    return new CharTokenizer([...specials, ...sorted]);
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
    for (const ch of text) {
      const id = this.charIds.get(ch);
      if (id !== undefined) ids.push(id);
      else {
        (unknown ??= new Set()).add(ch);
        if (this.unkId !== undefined) ids.push(this.unkId);
      }
    }
    if (unknown && (options.onUnknown !== 'unk' || this.unkId === undefined)) {
      const note = options.onUnknown === 'unk' ? ` (the vocabulary has no ${UNK} token to map them to)` : '';
      throw new UnknownTokensError('characters', [...unknown], note);
    }
    return ids;
  }

  decode(ids: ArrayLike<number>, options?: DecodeOptions): string {
    return decodeIds(this.tokens, this.specials.length, ids, options);
  }

  toJSON(): CharTokenizerJson {
    return { level: 'char', tokens: [...this.tokens] };
  }
}
