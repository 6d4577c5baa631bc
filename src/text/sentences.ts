/**
 * A rule-based English sentence splitter, shared by pair mining, the lead-k baselines and ROUGE-Lsum.
 * (It lives here because pair mining is the text layer's user of it; it could move to `src/text/`.)
 *
 * What it handles:
 *  - `.`, `!`, `?`, `…` and runs of them (`...`, `?!`), followed by any closing quotes or brackets
 *    (`"`, `'`, `”`, `’`, `)`, `]`, `»`), which stay with the sentence they close;
 *  - no split when the next word starts with a lower-case letter (`"Why?" she asked`, `e.g. the`);
 *  - titles that precede a name never end a sentence (Mr., Mrs., Dr., Prof., St., Gen., vs., e.g., i.e., …);
 *  - single capital initials (`J. K. Rowling`, `George W. Bush`) do not end a sentence;
 *  - dotted initialisms (`U.S.`, `U.K.`, `a.m.`) end one only before a common sentence opener
 *    (`The`, `It`, `But`, …), so `the U.S. President` stays whole but `in the U.S. The next…` splits;
 *  - `No.`, `Fig.`, `vol.`, `p.`, months (`Jan.`) and `approx.` do not end a sentence before a number;
 *  - decimals and thousands (`10.9`, `$1,000`) — a full stop between digits is never a boundary;
 *  - a bare enumerator (`1.`, `a)`) at the start of a sentence is not a sentence by itself;
 *  - the BBC News Summary quirk of sentences joined with no space (`…$10.9bn.For the full-year…`,
 *    `…months."I think…`, `…job?There are…`): a terminator directly followed by a capital letter
 *    splits when the character before it is a lower-case letter, digit, `%` or closing bracket/quote,
 *    unless the words on either side look like a web name (`Halo.Bungie.Org`).
 *    Known misses: product names like `One.Tel` or `Bagle.AT` are split.
 *  - line breaks: blank lines always end a sentence; with `lineBreaks: 'always'` every line break does
 *    (headlines and list items without a full stop), otherwise a single newline is just a space.
 */

export interface Sentence {
  text: string;
  /** Offsets of the trimmed sentence in the input: `input.slice(start, end) === text`. */
  start: number;
  end: number;
}

export interface SplitOptions {
  /** `'paragraph'` (default): only blank lines are boundaries. `'always'`: every line break is. */
  lineBreaks?: 'paragraph' | 'always';
}

const CLOSERS = new Set(['"', "'", '”', '’', ')', ']', '}', '»', '›']);
const TERMINATOR = /[.!?…]+/g;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;
const DIGIT = /[0-9]/;
const SPACE = /\s/;

/** Abbreviations that precede something and never end a sentence. */
const NEVER_FINAL = new Set([
  'mr', 'mrs', 'ms', 'messrs', 'mme', 'mlle', 'dr', 'prof', 'rev', 'fr', 'st', 'mt', 'gen', 'gov', 'sen',
  'rep', 'capt', 'lt', 'col', 'sgt', 'maj', 'cpl', 'adm', 'cmdr', 'hon', 'pres', 'supt', 'insp', 'det',
  'vs', 'v', 'e.g', 'i.e', 'cf', 'viz',
]);
/** Abbreviations that do not end a sentence when a number follows. */
const BEFORE_NUMBER = new Set([
  'no', 'nos', 'fig', 'figs', 'vol', 'vols', 'p', 'pp', 'ch', 'art', 'sec', 'op', 'approx', 'ca', 'c', 'est',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
]);
/** Words that commonly open a sentence: after `U.S.` they tip the balance towards a boundary. */
const OPENERS = new Set([
  'the', 'a', 'an', 'it', 'its', 'he', 'she', 'they', 'we', 'i', 'you', 'but', 'and', 'so', 'this', 'that',
  'these', 'those', 'there', 'in', 'on', 'at', 'for', 'if', 'when', 'however', 'meanwhile', 'his', 'her',
  'their', 'our', 'as', 'after', 'while', 'yet', 'still', 'now', 'then', 'mr', 'mrs', 'ms', 'dr',
]);

interface Span {
  start: number;
  end: number;
}

function blocks(text: string, lineBreaks: 'paragraph' | 'always'): Span[] {
  const separator = lineBreaks === 'always' ? /\n/g : /\n[ \t\r]*\n/g;
  const out: Span[] = [];
  let start = 0;
  for (const m of text.matchAll(separator)) {
    out.push({ start, end: m.index });
    start = m.index + m[0].length;
  }
  out.push({ start, end: text.length });
  return out;
}

/** The whitespace-delimited word ending at `end` (exclusive), without leading brackets or quotes. */
function wordBefore(text: string, end: number, floor: number): string {
  let i = end;
  while (i > floor && !SPACE.test(text[i - 1]!)) i--;
  return text.slice(i, end).replace(/^[("'“‘[{«]+/, '');
}

function wordFrom(text: string, start: number, ceiling: number): string {
  let i = start;
  while (i < ceiling && !SPACE.test(text[i]!)) i++;
  return text.slice(start, i);
}

const WEB_NAME = /[A-Za-z0-9]\.[A-Za-z]/;
/** `1.`, `(a)`, `iv.` — a list marker, not a sentence. */
const ENUMERATOR = /^\(?(?:[0-9]{1,3}|[A-Za-z]|[ivxIVX]{1,4})[.)]$/;

/** Decide whether the terminator run text[at, after) (closers included) ends a sentence. */
function isBoundary(text: string, at: number, after: number, block: Span, sentenceStart: number): boolean {
  if (after >= block.end) return true;
  const floor = Math.max(block.start, sentenceStart);
  const terminator = text.slice(at, after).replace(/[^.!?…]+$/, '');
  const prev = text[at - 1] ?? '';
  const next = text[after]!;
  if (!SPACE.test(next)) {
    // Joined sentences (`bn.For`): only with a capital right after and a plausible sentence end before.
    const closerBefore = after > at + terminator.length;
    if (!UPPER.test(next)) return false;
    if (!(LOWER.test(prev) || DIGIT.test(prev) || prev === '%' || CLOSERS.has(prev) || closerBefore)) return false;
    if (terminator === '.' && !closerBefore) {
      if (WEB_NAME.test(wordBefore(text, at, floor)) || WEB_NAME.test(wordFrom(text, after, block.end))) return false;
      if (NEVER_FINAL.has(wordBefore(text, at, floor).toLowerCase())) return false;
    }
    return true;
  }
  let k = after;
  while (k < block.end && SPACE.test(text[k]!)) k++;
  if (k >= block.end) return true;
  const nextChar = text[k]!;
  if (LOWER.test(nextChar)) return false;
  const sentenceSoFar = text.slice(sentenceStart, after).trim();
  if (ENUMERATOR.test(sentenceSoFar)) return false;
  if (terminator !== '.' || after > at + 1) return true;
  const word = wordBefore(text, at, floor);
  const lower = word.toLowerCase();
  if (NEVER_FINAL.has(lower)) return false;
  if (DIGIT.test(nextChar) && BEFORE_NUMBER.has(lower)) return false;
  if (/^\p{Lu}$/u.test(word) && UPPER.test(nextChar)) return false;
  if (/^(?:\p{L}\.)+\p{L}$/u.test(word)) {
    const nextWord = wordFrom(text, k, block.end).replace(/[^\p{L}]+$/u, '').toLowerCase();
    return OPENERS.has(nextWord);
  }
  return true;
}

function pushTrimmed(text: string, start: number, end: number, out: Sentence[]): void {
  while (start < end && SPACE.test(text[start]!)) start++;
  while (end > start && SPACE.test(text[end - 1]!)) end--;
  if (end > start) out.push({ text: text.slice(start, end), start, end });
}

/** Split `text` into sentences with their offsets. Deterministic; never drops non-space text. */
export function splitSentences(text: string, options: SplitOptions = {}): Sentence[] {
  const out: Sentence[] = [];
  for (const block of blocks(text, options.lineBreaks ?? 'paragraph')) {
    let sentenceStart = block.start;
    const slice = text.slice(block.start, block.end);
    for (const m of slice.matchAll(TERMINATOR)) {
      const at = block.start + m.index;
      let after = at + m[0].length;
      if (at < sentenceStart) continue;
      // A full stop between digits is a decimal point or thousands separator.
      if (m[0] === '.' && DIGIT.test(text[at - 1] ?? '') && DIGIT.test(text[after] ?? '')) continue;
      while (after < block.end && CLOSERS.has(text[after]!)) after++;
      if (isBoundary(text, at, after, block, sentenceStart)) {
        pushTrimmed(text, sentenceStart, after, out);
        sentenceStart = after;
      }
    }
    pushTrimmed(text, sentenceStart, block.end, out);
  }
  return out;
}

/** Sentence texts only. */
export function sentences(text: string, options: SplitOptions = {}): string[] {
  return splitSentences(text, options).map((s) => s.text);
}
