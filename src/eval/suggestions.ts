/**
 * How good ghost-text suggestions are, measured on real prose cut at random points (scripts/bench-suggest.ts):
 * where the writer's cursor could be (inside a word, right after one, after a space), whether a ghost is shown,
 * whether its first word is the text's next word (Smart Compose's ExactMatch), how many characters the writer
 * saves by accepting its correct words, and whether accepting ghosts in a row loops.
 *
 * Whitespace is compared loosely: a ghost is one line, so a line break in the text matches a space in the ghost.
 */

export type CutKind = 'mid-word' | 'word-end' | 'after-space';
export const CUT_KINDS: readonly CutKind[] = ['mid-word', 'word-end', 'after-space'];

export interface CutPoint {
  /** Index in the text: the cursor is before text[at]. */
  at: number;
  kind: CutKind;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** The kind of cursor position before text[at], or null for other places (after punctuation, in whitespace). */
export function cutKind(text: string, at: number): CutKind | null {
  const prev = text[at - 1] ?? '';
  const next = text[at] ?? '';
  if (WORD_CHAR.test(prev)) return WORD_CHAR.test(next) ? 'mid-word' : /['\u2019-]/u.test(next) ? null : 'word-end';
  return prev === ' ' && WORD_CHAR.test(next) ? 'after-space' : null;
}

/**
 * `perKind` cut points of each kind, drawn uniformly (with `random`, e.g. seeded) from positions in
 * [from, to) of that kind, in text order within each kind.
 */
export function cutPoints(text: string, perKind: number, random: () => number, from = 0, to = text.length): CutPoint[] {
  const positions: Record<CutKind, number[]> = { 'mid-word': [], 'word-end': [], 'after-space': [] };
  for (let at = Math.max(1, from); at < Math.min(to, text.length); at++) {
    const kind = cutKind(text, at);
    if (kind) positions[kind].push(at);
  }
  const out: CutPoint[] = [];
  for (const kind of CUT_KINDS) {
    const pool = positions[kind];
    const chosen = new Set<number>();
    while (chosen.size < Math.min(perKind, pool.length)) chosen.add(pool[Math.floor(random() * pool.length)]!);
    out.push(...[...chosen].sort((a, b) => a - b).map((at) => ({ at, kind })));
  }
  return out;
}

/** Line breaks and runs of whitespace as one space: how a one-line ghost is compared with the text. */
export function looseWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ');
}

/** True when `text` at `at` goes on with the same word (a letter or digit, or an apostrophe before one). */
function wordGoesOn(text: string, at: number): boolean {
  return WORD_CHAR.test(text[at] ?? '') || (/['\u2019]/u.test(text[at] ?? '') && WORD_CHAR.test(text[at + 1] ?? ''));
}

/** Where the first word of a suggestion ends: after its first run of letters or digits (with what comes before it). */
export function firstWordEnd(suggestion: string): number {
  const m = /^[^\p{L}\p{N}]*[\p{L}\p{N}]+(?:['\u2019][\p{L}\p{N}]+)*/u.exec(suggestion);
  return m ? m[0].length : suggestion.length;
}

/**
 * ExactMatch: the suggestion's first word (completing a half-typed word, or the next word with what comes before
 * it: ", and") is exactly what the text has next, and the text's word ends there too.
 */
export function firstWordMatches(suggestion: string, truth: string): boolean {
  const s = looseWhitespace(suggestion);
  const t = looseWhitespace(truth);
  const k = firstWordEnd(s);
  return k > 0 && t.startsWith(s.slice(0, k)) && !wordGoesOn(t, k);
}

/**
 * Characters the writer saves by accepting the suggestion's correct start, word by word (Tab or Ctrl+→): the
 * longest prefix that is exactly the text's next characters and ends where a word ends in both.
 */
export function savedChars(suggestion: string, truth: string): number {
  const s = looseWhitespace(suggestion);
  const t = looseWhitespace(truth);
  let best = 0;
  for (let k = 1; k <= s.length; k++) {
    if (s[k - 1] !== t[k - 1]) break;
    const endsWord = k === s.length || /\s/u.test(s[k]!) || (WORD_CHAR.test(s[k - 1]!) && !wordGoesOn(s, k));
    if (endsWord && !(WORD_CHAR.test(s[k - 1]!) && wordGoesOn(t, k))) best = k;
  }
  return best;
}

function normWords(text: string): string[] {
  return (text.match(/\S+/gu) ?? []).map((w) => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')).filter((w) => w);
}

/**
 * True when text accepted ghost after ghost (`accepted`, after `before`) loops: a phrase of up to 6 words said
 * twice back to back, or any 4 words said again, the second time inside the accepted text.
 */
export function loops(before: string, accepted: string): boolean {
  const context = normWords(before).slice(-30);
  const words = [...context, ...normWords(accepted)];
  for (let i = context.length; i < words.length; i++) {
    for (let k = 1; k <= 6 && 2 * k <= i + 1; k++) {
      if (words.slice(i - k + 1, i + 1).join(' ') === words.slice(i - 2 * k + 1, i - k + 1).join(' ')) return true;
    }
    if (i >= 3) {
      const gram = words.slice(i - 3, i + 1).join(' ');
      for (let j = 3; j < i; j++) if (words.slice(j - 3, j + 1).join(' ') === gram) return true;
    }
  }
  return false;
}

/** One cut point's outcome. */
export interface CutOutcome {
  kind: CutKind;
  /** The ghost shown ('' for none). */
  suggestion: string;
  truth: string;
}

export interface SuggestionFigures {
  cuts: number;
  /** Share of cuts where a ghost was shown. */
  shown: number;
  /** Share of shown ghosts whose first word is right (ExactMatch). */
  exactMatch: number;
  /** Characters saved per cut (shown or not), and per shown ghost. */
  savedPerCut: number;
  savedPerShown: number;
  /** Share of shown ghosts that are right to the end. */
  wholeRight: number;
  /** Words shown per ghost. */
  wordsPerGhost: number;
  /** Share of cuts right after a finished word where the ghost glued letters onto it ("wind" → "ow"). */
  brokeFinishedWord: number;
}

export function figures(outcomes: readonly CutOutcome[]): SuggestionFigures {
  const shown = outcomes.filter((o) => o.suggestion !== '');
  const wordEnds = outcomes.filter((o) => o.kind === 'word-end');
  const saved = shown.map((o) => savedChars(o.suggestion, o.truth));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const share = (n: number, of: number) => (of > 0 ? n / of : 0);
  return {
    cuts: outcomes.length,
    shown: share(shown.length, outcomes.length),
    exactMatch: share(shown.filter((o) => firstWordMatches(o.suggestion, o.truth)).length, shown.length),
    savedPerCut: share(sum(saved), outcomes.length),
    savedPerShown: share(sum(saved), shown.length),
    wholeRight: share(shown.filter((o, i) => saved[i] === looseWhitespace(o.suggestion).length).length, shown.length),
    wordsPerGhost: share(sum(shown.map((o) => normWords(o.suggestion).length)), shown.length),
    brokeFinishedWord: share(wordEnds.filter((o) => wordGoesOn(o.suggestion, 0)).length, wordEnds.length),
  };
}
