/**
 * What every tokenizer (char, word, BPE) offers the model, trainer and generator, and the JSON each one is
 * saved as (`tokenizer.json` beside a checkpoint). A token's id is its index in `tokens`; special tokens
 * (`<pad>`, `<s>`, `</s>`, `<unk>`…) take the first ids and are never produced by encoding ordinary text.
 */

export type TokenizerLevel = 'char' | 'word' | 'bpe';
export const tokenizerLevels = ['char', 'word', 'bpe'] as const satisfies readonly TokenizerLevel[];

/** The token unknown input maps to, where a vocabulary has one (word and BPE always do). */
export const UNK = '<unk>';

export interface EncodeOptions {
  /**
   * What to do with input the vocabulary cannot express: `throw` an UnknownTokensError naming it, or map it
   * to `<unk>` (only possible when the vocabulary has one). Default: `throw` for char, `unk` for word and BPE.
   */
  onUnknown?: 'throw' | 'unk';
}

export interface DecodeOptions {
  /** Leave special tokens (`<pad>`, `</s>`…) out of the text. Default false: they appear literally. */
  skipSpecials?: boolean;
}

export interface Tokenizer {
  readonly level: TokenizerLevel;
  readonly vocabSize: number;
  /** Id → token text. */
  readonly tokens: readonly string[];
  /** The special tokens, which are tokens[0 .. specials.length). */
  readonly specials: readonly string[];
  /** Id of `<unk>`, when the vocabulary has it. */
  readonly unkId: number | undefined;
  /** Id of a token (specials included, so `idOf('<s>')` finds a sequence marker). */
  idOf(token: string): number | undefined;
  encode(text: string, options?: EncodeOptions): number[];
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string;
  toJSON(): TokenizerJson;
}

/** `{"level":"char","tokens":[...]}`; specials are the leading tokens longer than one character. */
export interface CharTokenizerJson {
  level: 'char';
  tokens: string[];
}

export interface WordTokenizerJson {
  level: 'word';
  /** Must equal tokens[0 .. specials.length) and include `<unk>`. */
  specials: string[];
  tokens: string[];
}

/**
 * tokens = specials, then the base alphabet (single characters, by code point), then one token per merge:
 * merge i joins tokens[left] and tokens[right] into token `specials.length + alphabet size + i`.
 */
export interface BpeTokenizerJson {
  level: 'bpe';
  specials: string[];
  tokens: string[];
  merges: [number, number][];
}

export type TokenizerJson = CharTokenizerJson | WordTokenizerJson | BpeTokenizerJson;

export interface TrainTokenizerOptions {
  /** Special tokens, in id order from 0. Word and BPE add `<unk>` after them when it is not among them. */
  specials?: readonly string[];
  /**
   * Word: the vocabulary cap (default 10000). BPE: the target size (default 2000; never below specials +
   * alphabet). Char: ignored (the vocabulary is every character in the text). Counts the specials.
   */
  vocabSize?: number;
  /** Word: keep words seen at least this often (default 1). BPE: merge pairs seen at least this often (default 2). */
  minFrequency?: number;
}

/** Text the vocabulary cannot express, named so the user can see which characters or words were the problem. */
export class UnknownTokensError extends Error {
  constructor(
    readonly kind: 'characters' | 'words',
    /** Distinct unknown items in order of first appearance. */
    readonly unknown: readonly string[],
    note = '',
  ) {
    super(`unknown ${kind}: ${listQuoted(unknown)}${note}`);
    this.name = 'UnknownTokensError';
  }
}

/** tokenizer.json that cannot be read back; the message says what is wrong and where. */
export class TokenizerJsonError extends Error {
  constructor(message: string) {
    super(`invalid tokenizer JSON: ${message}`);
    this.name = 'TokenizerJsonError';
  }
}

const SHOWN = 10;

export function listQuoted(items: readonly string[]): string {
  const shown = items.slice(0, SHOWN).map(quote).join(', ');
  return items.length > SHOWN ? `${shown} and ${items.length - SHOWN} more` : shown;
}

/**
 * A token in double quotes. Letters, digits, symbols (emoji) and ASCII print as themselves; everything that is
 * invisible or easily confused (controls, odd spaces, lone combining marks, typographic dashes and quotes)
 * as a \u escape, because those are exactly the characters a user needs to tell apart.
 */
export function quote(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (/[\x20-\x7e]|[\p{L}\p{N}\p{S}]/u.test(ch)) out += ch;
    else {
      const code = ch.codePointAt(0) ?? 0;
      out += code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
    }
  }
  return `"${out}"`;
}
