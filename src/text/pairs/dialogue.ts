/**
 * Finding dialogue in a writer's own documents, for the prose- and script-dialogue mining rules.
 *
 * Prose: the quoted speech of a paragraph, in “curly”, "straight" or ‘single curly’ quotes (straight
 * single quotes are not used: they are apostrophes far more often). A quote still open at the end of a
 * paragraph is the convention for a speech that continues into the next paragraph.
 *
 * Scripts: lines that start with a speaker label and a colon — `ROMEO:` on its own line with the speech
 * below (Shakespeare), or `ALICE: Hello.` on one line (screenplays, chat logs).
 */

export interface Speech {
  /** The quoted words of the paragraph, joined; empty when the paragraph has none. */
  text: string;
  /** The last quote is not closed: the speaker goes on in the next paragraph. */
  unclosed: boolean;
}

function isLetter(ch: string | undefined): boolean {
  return ch !== undefined && /\p{L}/u.test(ch);
}

/** A segment-final comma before narration (`"To the market," said Mary.`) becomes a full stop. */
function joinSegments(segments: readonly string[]): string {
  const parts = segments.map((s) => s.trim()).filter((s) => /\p{L}|\p{N}/u.test(s));
  return parts
    .map((s, i) => {
      const next = parts[i + 1];
      const continues = next !== undefined && /^\p{Ll}/u.test(next);
      return s.endsWith(',') && !continues ? `${s.slice(0, -1)}.` : s;
    })
    .join(' ');
}

export function extractSpeech(paragraph: string): Speech {
  const segments: string[] = [];
  let i = 0;
  let unclosed = false;
  while (i < paragraph.length) {
    const ch = paragraph[i]!;
    let close: ((k: number) => boolean) | null = null;
    if (ch === '“') close = (k) => paragraph[k] === '”';
    else if (ch === '"') close = (k) => paragraph[k] === '"';
    else if (ch === '‘' && !isLetter(paragraph[i - 1])) close = (k) => paragraph[k] === '’' && !isLetter(paragraph[k + 1]);
    if (close === null) {
      i++;
      continue;
    }
    let k = i + 1;
    while (k < paragraph.length && !close(k)) k++;
    segments.push(paragraph.slice(i + 1, k));
    if (k >= paragraph.length) unclosed = true;
    i = k + 1;
  }
  return { text: joinSegments(segments), unclosed };
}

/** Opening quote at the very start of a paragraph: it is dialogue, not narration. */
export function startsWithQuote(paragraph: string): boolean {
  return /^\s*["“‘]/.test(paragraph);
}

const SPEAKER_LINE = /^\s*([A-Z0-9][\p{L}\p{N}'’.-]*(?: [\p{L}\p{N}'’.-]+){0,3})\s*:(?:\s+(.*))?$/u;
/** Labels that introduce notes or metadata rather than a speaker. */
const NOT_SPEAKERS = new Set([
  'note', 'notes', 'warning', 'tip', 'example', 'chapter', 'section', 'part', 'step', 'summary', 'title',
  'author', 'date', 'time', 'source', 'update', 'edit', 'ps', 'p.s', 're', 'subject', 'from', 'to', 'cc',
  'ingredients', 'method', 'todo', 'important', 'caution', 'see', 'figure', 'table', 'abstract',
]);

export interface SpeakerLine {
  speaker: string;
  /** Speech on the same line after the colon (may be empty). */
  rest: string;
}

/** Parse `NAME: …`; every word of the name starts with a capital or digit (`First Citizen`, `KING LEAR`). */
export function parseSpeakerLine(line: string): SpeakerLine | null {
  const m = SPEAKER_LINE.exec(line);
  if (!m) return null;
  const speaker = m[1]!.trim();
  if (!speaker.split(' ').every((w) => /^[\p{Lu}\p{N}]/u.test(w))) return null;
  if (NOT_SPEAKERS.has(speaker.toLowerCase())) return null;
  return { speaker, rest: (m[2] ?? '').trim() };
}

/** A label counts as a speaker if it is in capitals (`ROMEO`) or labels at least two lines. */
export function acceptedSpeakers(labelCounts: ReadonlyMap<string, number>): Set<string> {
  const out = new Set<string>();
  for (const [label, count] of labelCounts) {
    const letters = label.replace(/[^\p{L}]/gu, '');
    const capitals = letters.length >= 2 && letters === letters.toUpperCase();
    if (capitals || count >= 2) out.add(label);
  }
  return out;
}
