/** Small pieces every tokenizer shares: special-token rules, id lookup, decoding, code-point ordering. */
import { type DecodeOptions, TokenizerJsonError, UNK, quote } from './types.js';

/** Orders strings by Unicode code point (JavaScript's `<` orders by UTF-16 unit, which misplaces emoji). */
export function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  while (true) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const difference = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
}

export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

export type ErrorFactory = (message: string) => Error;
/** Bad training options are the caller's mistake, not a bad file. */
export const optionError: ErrorFactory = (message) => new RangeError(message);
export const jsonError: ErrorFactory = (message) => new TokenizerJsonError(message);

/** Checks specials: non-empty and distinct. `level` only words the message. */
export function checkSpecials(specials: readonly string[], level: string, fail: ErrorFactory = jsonError): string[] {
  const seen = new Set<string>();
  for (const special of specials) {
    if (special.length === 0) throw fail(`${level} specials: a special token cannot be empty`);
    if (seen.has(special)) throw fail(`${level} specials: ${quote(special)} appears twice`);
    seen.add(special);
  }
  return [...specials];
}

/** Word and BPE vocabularies always have `<unk>`: after the given specials when they do not include it. */
export function withUnk(specials: readonly string[]): string[] {
  return specials.includes(UNK) ? [...specials] : [...specials, UNK];
}

/** Token → its first id (specials come first, so a special wins over an ordinary token with the same text). */
export function idIndex(tokens: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  tokens.forEach((token, id) => {
    if (!index.has(token)) index.set(token, id);
  });
  return index;
}

export function decodeIds(
  tokens: readonly string[],
  specialCount: number,
  ids: ArrayLike<number>,
  options: DecodeOptions = {},
): string {
  let text = '';
  for (let i = 0; i < ids.length; i += 1) {
    const id = ids[i] as number;
    const token = tokens[id];
    if (token === undefined || !Number.isInteger(id)) {
      throw new RangeError(`token id ${id} is outside the vocabulary (0..${tokens.length - 1})`);
    }
    if (options.skipSpecials && id < specialCount) continue;
    text += token;
  }
  return text;
}

/** The specials must be the first tokens, in order. */
export function checkSpecialsPrefix(level: string, specials: readonly string[], tokens: readonly string[]): void {
  specials.forEach((special, id) => {
    if (tokens[id] !== special) {
      throw new TokenizerJsonError(`${level}: tokens[${id}] must be the special ${quote(special)}, found ${tokens[id] === undefined ? 'nothing' : quote(tokens[id])}`);
    }
  });
}
