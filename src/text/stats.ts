/**
 * Cheap counts and the identity of a text: shared by import (to report) and the store (to keep per-document
 * counts beside the text, so corpus statistics never re-scan whole corpora).
 */
import { createHash } from 'node:crypto';

export interface TextStats {
  /** Unicode code points (an astral character such as an emoji counts once). */
  charCount: number;
  /** Whitespace-separated runs containing at least one letter or digit ("don't", "well-known" are one each). */
  wordCount: number;
  /** UTF-8 bytes of the text. */
  byteCount: number;
  /** Every code point that occurs, once each, in code point order (newline and space included). */
  distinctChars: string;
}

export function countCodePoints(text: string): number {
  let pairs = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return text.length - pairs;
}

// Like a word processor's count. Scripts written without spaces (Chinese, Japanese) count one word per run.
// Two linear passes rather than one clever regex, which would backtrack quadratically on long punctuation runs.
const TOKEN = /\S+/g;
const ALNUM = /[\p{L}\p{N}]/u;

export function countWords(text: string): number {
  let n = 0;
  for (const match of text.matchAll(TOKEN)) if (ALNUM.test(match[0])) n++;
  return n;
}

export function distinctCharacters(text: string): string {
  return mergeDistinct([text]);
}

/** Merges per-document `distinctChars` strings into the corpus's set, in code point order. */
export function mergeDistinct(sets: Iterable<string>): string {
  const seen = new Set<number>();
  for (const s of sets) for (const ch of s) seen.add(ch.codePointAt(0) ?? 0);
  const sorted = [...seen].sort((a, b) => a - b);
  let out = '';
  // Chunked: spreading a huge array into fromCodePoint would overflow the argument limit.
  for (let i = 0; i < sorted.length; i += 4096) out += String.fromCodePoint(...sorted.slice(i, i + 4096));
  return out;
}

export function textStats(text: string): TextStats {
  return {
    charCount: countCodePoints(text),
    wordCount: countWords(text),
    byteCount: Buffer.byteLength(text, 'utf8'),
    distinctChars: distinctCharacters(text),
  };
}

/** Hex sha256 of the text's UTF-8 bytes. Callers hash *normalised* text, so the hash names the content. */
export function textSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
