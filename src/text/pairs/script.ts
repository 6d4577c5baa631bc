/**
 * Finding the turns of a script in a writer's own documents, for the script-dialogue mining rule: lines
 * that start with a speaker label and a colon — `ROMEO:` on its own line with the speech below
 * (Shakespeare), or `ALICE: Hello.` on one line (screenplays, chat logs). Prose dialogue is in
 * proseDialogue.ts.
 */

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
