/**
 * Joins the parts of one speaker's speech that narration interrupted (`"To the market," said Mary, "and
 * back."`), for the prose-dialogue rule. Whitespace is collapsed (hard wraps and double spaces after full
 * stops are not meaning). A part-final comma that only led into the attribution becomes a full stop,
 * unless the speech goes on in lower case (`"I think," said he, "that you are right."`).
 */
export function joinSpeech(parts: readonly string[]): string {
  const kept = parts.map((s) => s.replace(/\s+/gu, ' ').trim()).filter((s) => /[\p{L}\p{N}]/u.test(s));
  return kept
    .map((s, i) => {
      const next = kept[i + 1];
      const continues = next !== undefined && /^[^\p{L}\p{N}]*\p{Ll}/u.test(next);
      return s.endsWith(',') && !continues ? `${s.slice(0, -1)}.` : s;
    })
    .join(' ');
}
