/**
 * Em-dash dialogue (Joyce, and much European fiction in translation): a paragraph that opens with a dash
 * is one speaker's turn, with no closing mark —
 *
 *     —Tell me, Mulligan, Stephen said quietly.
 *     —Yes, my love? said Buck Mulligan. I'm coming.
 *
 * The attribution is not marked off, so it is recognised by its shape: a clause after the first of the
 * paragraph, of a name or pronoun and a speech verb, perhaps an adverb and a short phrase after it
 * (`Stephen said quietly.`, `said Buck Mulligan.`, `he said in a kind voice.`, `Stephen said with energy and
 * growing fear.`, `Buck Mulligan told his face in the mirror.` — all in the first episode of *Ulysses*). Such
 * clauses are dropped and the speech on either side joined.
 *
 * The dash is `—` in print, `--` in older plain-text editions and `- ` in Project Gutenberg's *Ulysses*
 * (#4300); a hyphen counts only with a space after it, so a paragraph opening with a hyphenated word does not.
 */
import { joinSpeech } from './joinSpeech.js';
import { SPEECH_VERBS } from './speechVerbs.js';

const DASH_OPEN = /^\s*(?:—|―|–|--|-(?=\s))\s*/u;

const WORD = "[\\p{L}'’-]+";
const VERBS = `${SPEECH_VERBS}|told (?:(?:his|her|their|my|the|a|an) )?${WORD}`;
/** `in a kind voice`, `with energy and growing fear`, `to his friend`: a preposition and up to five words. */
const PHRASE = `(?:in|with|to|at|from|into|over|under|across|through|without|after|for) (?:${WORD} ){0,4}${WORD}`;
const SPEAKER =
  "(?:he|she|I|they|we|you|(?:the|a|an|his|her|my|our) (?:[\\p{L}'’-]+ ){0,2}[\\p{L}'’-]+|\\p{Lu}[\\p{L}'’.-]*(?: \\p{Lu}[\\p{L}'’.-]*){0,3})";
const ATTRIBUTION = new RegExp(`^(?:${SPEAKER} (?:${VERBS})|(?:${VERBS}) ${SPEAKER})(?: \\p{Ll}+ly)?(?: ${PHRASE})?[.,;:!?]?$`, 'u');

/** True for a paragraph that opens with a dialogue dash. */
export function opensWithDash(paragraph: string): boolean {
  return DASH_OPEN.test(paragraph);
}

/** The speech of a dash paragraph, without attribution; empty for any other paragraph. */
export function dashSpeech(paragraph: string): string {
  const m = DASH_OPEN.exec(paragraph);
  if (!m) return '';
  const body = paragraph.slice(m[0].length).replace(/\s+/gu, ' ').trim();
  // Clauses end at , ; . ! ? followed by a space; the first clause is always speech.
  const clauses = body.split(/(?<=[,;.!?])\s+/u);
  // Runs of speech between dropped attributions are the parts to join.
  const parts: string[][] = [[]];
  clauses.forEach((c, i) => {
    if (i > 0 && ATTRIBUTION.test(c)) parts.push([]);
    else parts[parts.length - 1]!.push(c);
  });
  return joinSpeech(parts.map((p) => p.join(' ')));
}
