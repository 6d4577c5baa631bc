/**
 * The quoted speech of one paragraph of prose, for the prose-dialogue mining rule.
 *
 * A paragraph is read with one quote family, the one its book uses for dialogue (see dialogueStyle.ts):
 *  - `double`: “curly” or "straight" double quotes; single quotes inside are nested quotes or apostrophes
 *    and belong to the speech.
 *  - `single`: ‘curly’ or 'straight' single quotes (Wuthering Heights, Alice, many editions of Dickens).
 *    The hard part is telling a closing quote from an apostrophe: one between two letters (don't, o'clock)
 *    is never a quote; one after punctuation (`sir,'` `it!'`) always closes; one after a letter (`the
 *    boys' hats`, dialect `goin'`, or `'Yes' he said`) closes only if what follows reads as narration —
 *    the next quote mark opens a new segment after a comma, colon, full stop or dash, or there is none
 *    (see weakCloseHolds).
 *
 * Narration between quoted segments (`'Goodness gracious!' said Mrs. Mann. 'Is that you?'`) is dropped and
 * the segments of one speech joined. A quoted segment in mid-narration that starts with a lower-case
 * letter (`our 'devil's psalmody,' as he called it`) or names something (`he read 'The Times' daily`) is a
 * quoted term, not speech, unless it follows speech after a short attribution. A paragraph of thoughts
 * (`'How CAN I have done that?' she thought.`) has no speech: thinking is not a turn of dialogue.
 */
import { joinSpeech } from './joinSpeech.js';
import { SPEECH_VERBS } from './speechVerbs.js';

export type QuoteFamily = 'double' | 'single';

export interface QuotedSegment {
  /** The text between the quotes, as written. */
  raw: string;
  /** False for quoted terms and titles in narration. */
  speech: boolean;
}

export interface Speech {
  segments: QuotedSegment[];
  /** The speech segments joined (attribution dropped); empty when the paragraph has no speech or is a thought. */
  text: string;
  /** The paragraph begins with an opening quote (how a continued speech resumes). */
  opens: boolean;
  /** The last quote is not closed: by convention, the same speaker goes on in the next paragraph. */
  unclosed: boolean;
  /** The narration before the first quote. */
  leading: string;
  /** The verb of an attribution right after the first quote (`“Don't,” said Joe.` → `said`), if any. */
  attribution: string | null;
  /** The narration after the last quote (empty when it is not closed). */
  trailing: string;
}

interface Mark {
  at: number;
  open: boolean;
  close: boolean;
  /** A close that cannot be an apostrophe. */
  strong: boolean;
}

const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
const isSpace = (ch: string | undefined): boolean => ch !== undefined && /\s/u.test(ch);
/** What may stand right before an opening quote: a space, a bracket, a dash (`gravely--'I'm`), another quote. */
const OPENS_AFTER = /[\s([{—–―\-“"‘'_:]/u;
/** Narration that hands back to speech ends like `said he, ` or `she cried; ` or `--`. */
const NARRATION_END = /[,.;:!?—–―-]\s*$/u;

/** Thoughts are not speech: `'How CAN I have done that?' she thought.`, `said I to myself`. */
const THOUGHT = String.raw`(?:thought|wondered|to (?:her|him|my|your|them|our)sel(?:f|ves))`;
const THOUGHT_AFTER = new RegExp(String.raw`^[,;:!?.]?\s*(?:[\p{L}.'’-]+\s+){0,4}?${THOUGHT}\b`, 'u');
const THOUGHT_BEFORE = new RegExp(String.raw`\b${THOUGHT}[,:]?\s*[—–―-]*\s*$`, 'u');
/** Narration this short between two quotes is an attribution: the second quote goes on with the speech. */
const MAX_ATTRIBUTION_WORDS = 12;

export const wordCount = (s: string): number => s.split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;

/** Narration that hands the word to a quote: `he said, `, `as follows: `, `said `, `gravely--`. */
const INTRODUCES = new RegExp(String.raw`(?:[,:;]|[—–―-]|\b(?:${SPEECH_VERBS}))\s*$`, 'u');
/** `'Yes' he said.`: an attribution right after a quote that ends in a letter. */
const ATTRIBUTION_FOLLOWS = new RegExp(String.raw`^[,;:!?.]?\s*(?:\S+\s+){0,2}?(${SPEECH_VERBS})\b`, 'u');

/** Straight double quotes are read like single ones, so a nested "title" inside "speech" nests. */
function doubleMarks(p: string): Mark[] {
  const out: Mark[] = [];
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === '“') out.push({ at: i, open: true, close: false, strong: false });
    else if (ch === '”') out.push({ at: i, open: false, close: true, strong: true });
    else if (ch === '"') {
      const prev = p[i - 1];
      const next = p[i + 1];
      const open = (prev === undefined || OPENS_AFTER.test(prev)) && next !== undefined && !isSpace(next);
      const close = prev !== undefined && !isSpace(prev) && !isWordChar(next);
      // Neither (a quote between spaces): it toggles.
      out.push({ at: i, open: open || !close, close: close || !open, strong: true });
    }
  }
  return out;
}

function singleMarks(p: string): Mark[] {
  const out: Mark[] = [];
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch !== "'" && ch !== '‘' && ch !== '’') continue;
    const prev = p[i - 1];
    const next = p[i + 1];
    if (isWordChar(prev) && isWordChar(next)) continue;
    const open = ch !== '’' && (prev === undefined || OPENS_AFTER.test(prev)) && next !== undefined && !isSpace(next);
    const close = ch !== '‘' && prev !== undefined && !isSpace(prev) && !isWordChar(next);
    if (open || close) out.push({ at: i, open, close, strong: close && !isWordChar(prev) });
  }
  return out;
}

/** A close after a letter is an apostrophe unless narration follows it (see the header). */
function weakCloseHolds(p: string, marks: readonly Mark[], k: number): boolean {
  const next = marks[k + 1];
  if (next === undefined) {
    // The last quote mark closes, unless words run on to double quotes: then it is an elision inside a
    // told story's open quote (`'"What could I ha' done?" began Earnshaw.`).
    const rest = p.slice(marks[k]!.at + 1);
    return /^(?:\s*$|[^\s\p{L}\p{N}])/u.test(rest) || ATTRIBUTION_FOLLOWS.test(rest) || !/["“”]/u.test(rest);
  }
  if (next.close) return false;
  return NARRATION_END.test(p.slice(marks[k]!.at + 1, next.at));
}

/**
 * A quote in mid-narration that nothing introduces is a quoted term or a reported phrase, not a turn:
 * one in lower case (`what she called “an insult to poor Adolphe,”`) unless it exclaims or breaks off, a
 * word or two (`to call upon “George.”`), or a name running on into the sentence (`'The Times' daily`).
 */
function isQuotedTerm(raw: string, before: string, after: string): boolean {
  if (INTRODUCES.test(before)) return false;
  const text = raw.trim();
  const first = text.replace(/^[_*([—–―-]+/u, '')[0];
  if (first !== undefined && /\p{Ll}/u.test(first)) return !/[!?…—–―-][_*]*$/u.test(text);
  if (wordCount(text) <= 2 && !/[!?…—–―-][_*]*$/u.test(text)) return true;
  return isWordChar(text.slice(-1)) && /^\s*\p{Ll}/u.test(after);
}

export function quotedSpeech(paragraph: string, family: QuoteFamily): Speech {
  const marks = family === 'double' ? doubleMarks(paragraph) : singleMarks(paragraph);
  const spans: { start: number; end: number }[] = [];
  let open = -1;
  let depth = 0;
  marks.forEach((m, k) => {
    if (open < 0) {
      if (m.open) open = m.at + 1;
    } else if (family === 'double' && m.open && !m.close) {
      depth++;
    } else if (m.close && (m.strong || weakCloseHolds(paragraph, marks, k))) {
      if (depth > 0) depth--;
      else {
        spans.push({ start: open, end: m.at });
        open = -1;
      }
    }
  });
  const unclosed = open >= 0;
  if (unclosed) spans.push({ start: open, end: paragraph.length });

  const segments: QuotedSegment[] = [];
  let spoken = false;
  let thought = false;
  spans.forEach(({ start, end }, k) => {
    const raw = paragraph.slice(start, end);
    const before = paragraph.slice(k === 0 ? 0 : spans[k - 1]!.end + 1, start - 1);
    const after = paragraph.slice(end + 1, k + 1 < spans.length ? spans[k + 1]!.start - 1 : paragraph.length);
    const atStart = k === 0 && /^[\s_*(]*$/u.test(before);
    const continues = spoken && wordCount(before) <= MAX_ATTRIBUTION_WORDS;
    const speech = atStart || continues || !isQuotedTerm(raw, before, after);
    if (speech) thought ||= THOUGHT_AFTER.test(after) || THOUGHT_BEFORE.test(before);
    spoken ||= speech;
    segments.push({ raw, speech });
  });
  const first = spans[0];
  return {
    segments,
    text: thought ? '' : joinSpeech(segments.filter((s) => s.speech).map((s) => s.raw)),
    opens: first !== undefined && /^[\s_*(]*$/u.test(paragraph.slice(0, first.start - 1)),
    unclosed,
    attribution: spans.length > (unclosed ? 1 : 0) ? (ATTRIBUTION_FOLLOWS.exec(paragraph.slice(first!.end + 1))?.[1] ?? null) : null,
    leading: first === undefined ? paragraph : paragraph.slice(0, first.start - 1),
    trailing: unclosed || spans.length === 0 ? '' : paragraph.slice(spans[spans.length - 1]!.end + 1),
  };
}
