/**
 * What the generator needs to know about a token's text, whatever the tokenizer: does emitting it end the word
 * in progress, does it end a sentence. Heuristics over the text, not grammar ("Mr." ends a sentence here).
 */

/**
 * True when the token starts with whitespace or punctuation, i.e. the word before it is complete: " ", "\n",
 * ",", " the" (BPE's leading space), but not "the" or "ing". An apostrophe counts as punctuation, so in
 * char-level text "don't" has a boundary before the "'".
 */
export function isWordBoundary(token: string): boolean {
  const first = token.codePointAt(0);
  if (first === undefined) return false;
  return !/[\p{L}\p{M}\p{N}]/u.test(String.fromCodePoint(first));
}

/**
 * True when the token, ignoring trailing whitespace, ends in sentence-final punctuation (. ! ? … and their
 * full-width forms), optionally followed by closing quotes or brackets: ".", "?\"", " end.", "!)".
 */
export function endsSentence(token: string): boolean {
  return /[.!?…。！？][\p{Pe}\p{Pf}"']*\s*$/u.test(token);
}
