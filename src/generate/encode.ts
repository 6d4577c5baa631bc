/**
 * Turning a writer's text into token ids for generation without ever refusing it. The editor asks for a
 * suggestion after every keystroke, so a character the model never saw (a typographic quote, an accented
 * letter, an emoji) must not stop it: such a character is mapped to a close one the vocabulary has, or
 * dropped, and the caller is told which (UnknownInput). Word-level vocabularies have `<unk>` by design, so an
 * unknown word becomes `<unk>` as in training. Scoring and the CLI encode strictly instead (UnknownTokensError).
 */
import { type Tokenizer, UNK, UnknownTokensError } from '../text/tokenizers/index.js';

export interface UnknownInput {
  kind: 'characters' | 'words';
  /**
   * Distinct items outside the vocabulary, in order of first appearance, with what each became: a close
   * character or string the vocabulary has, '' when dropped, or '<unk>' (words).
   */
  items: { text: string; replacement: string }[];
}

export interface LenientEncoding {
  ids: number[];
  unknown: UnknownInput | null;
}

/** Close stand-ins tried first (before Unicode compatibility decomposition and case changes). */
const STAND_INS: Record<string, string[]> = {
  '\u2018': ["'"], '\u2019': ["'"], '\u201a': ["'"], '\u201b': ["'"], '\u2032': ["'"], '`': ["'"],
  '\u201c': ['"'], '\u201d': ['"'], '\u201e': ['"'], '\u201f': ['"'], '\u2033': ['"'], '\u00ab': ['"'], '\u00bb': ['"'],
  '\u2013': ['-'], '\u2014': ['\u2013', '--', '-'], '\u2015': ['-'], '\u2212': ['-'], '\u2010': ['-'], '\u2011': ['-'],
  '\u2026': ['...'], '\u00a0': [' '], '\u2007': [' '], '\u2009': [' '], '\u200a': [' '], '\u202f': [' '], '\u3000': [' '],
  '\t': [' '], '\r': [''], '\u200b': [''], '\u200c': [''], '\u200d': [''], '\ufeff': [''], '\u2028': ['\n'], '\u2029': ['\n'],
};

const substitutes = new WeakMap<Tokenizer, Map<string, string>>();

/** Ids for `text`, mapping or dropping what the vocabulary cannot express (see the file header). */
export function encodeLenient(tokenizer: Tokenizer, text: string): LenientEncoding {
  try {
    return { ids: tokenizer.encode(text, { onUnknown: 'throw' }), unknown: null };
  } catch (error) {
    if (!(error instanceof UnknownTokensError)) throw error;
    if (error.kind === 'words') {
      return { ids: tokenizer.encode(text, { onUnknown: 'unk' }), unknown: { kind: 'words', items: error.unknown.map((text) => ({ text, replacement: UNK })) } };
    }
    const map = new Map(error.unknown.map((ch) => [ch, substitute(tokenizer, ch)]));
    const clean = replaceCharacters(text, map);
    return { ids: tokenizer.encode(clean, { onUnknown: 'throw' }), unknown: { kind: 'characters', items: [...map].map(([text, replacement]) => ({ text, replacement })) } };
  }
}

/** Merges two reports of the same text stream (e.g. a window and what was appended to it). */
export function mergeUnknown(a: UnknownInput | null, b: UnknownInput | null): UnknownInput | null {
  if (!a || !b) return a ?? b;
  const seen = new Set(a.items.map((item) => item.text));
  return { kind: a.kind, items: [...a.items, ...b.items.filter((item) => !seen.has(item.text))] };
}

function replaceCharacters(text: string, map: ReadonlyMap<string, string>): string {
  let out = '';
  for (const ch of text) out += map.get(ch) ?? ch;
  return out;
}

/** The first stand-in for `ch` that the vocabulary can express on its own, or '' (drop it). */
function substitute(tokenizer: Tokenizer, ch: string): string {
  let cache = substitutes.get(tokenizer);
  if (!cache) substitutes.set(tokenizer, (cache = new Map()));
  const known = cache.get(ch);
  if (known !== undefined) return known;
  const decomposed = ch.normalize('NFKD').replace(/\p{M}/gu, '');
  const candidates = [...(STAND_INS[ch] ?? []), decomposed, ch.toLowerCase(), ch.toUpperCase(), decomposed.toLowerCase()];
  const found = candidates.find((candidate) => candidate === '' || (candidate !== ch && expressible(tokenizer, candidate))) ?? '';
  cache.set(ch, found);
  return found;
}

function expressible(tokenizer: Tokenizer, text: string): boolean {
  try {
    tokenizer.encode(text, { onUnknown: 'throw' });
    return true;
  } catch {
    return false;
  }
}
