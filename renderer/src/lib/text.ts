/**
 * Text helpers for the editor. countWords follows src/text/stats.ts (whitespace-separated runs holding a letter
 * or digit), so the editor's count matches the corpus statistics the service reports.
 */
const TOKEN = /\S+/g;
const ALNUM = /[\p{L}\p{N}]/u;

export function countWords(text: string): number {
  let n = 0;
  for (const match of text.matchAll(TOKEN)) if (ALNUM.test(match[0])) n++;
  return n;
}

/** A draft's title: its first non-empty line without Markdown heading/quote marks, at most 80 characters. */
export function deriveTitle(text: string): string {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s*(#{1,6}\s+|>\s*|[-*+]\s+)*/, '').trim();
    if (line) return line.length > 80 ? `${line.slice(0, 79)}…` : line;
  }
  return '';
}
