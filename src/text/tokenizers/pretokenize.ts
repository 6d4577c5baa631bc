/**
 * How text is cut before the word and BPE tokenizers see it. Both splits are lossless: the pieces concatenate
 * back to the input, whatever it contains. A "word" is letters, marks and digits, with inner apostrophes
 * ("don't", "l’homme") kept inside.
 */

const WORD = String.raw`[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*`;

/**
 * Word level: words, whitespace runs, and every other character on its own ("Hi,  you." →
 * "Hi" "," "  " "you" ".").
 */
const WORD_PIECES = new RegExp(`${WORD}|\\s+|[^]`, 'gu');

/**
 * BPE level, GPT-2 style: a single space is attached to the word (or punctuation run) that follows it, so
 * " the" is one piece and merges never cross pieces; longer whitespace runs keep their last space for the next
 * word ("a   b" → "a" "  " " b").
 */
const BPE_PIECES = new RegExp(` ?${WORD}| ?[^\\s\\p{L}\\p{M}\\p{N}]+|\\s+(?!\\S)|\\s+`, 'gu');

export function wordPieces(text: string): string[] {
  return text.match(WORD_PIECES) ?? [];
}

export function bpePieces(text: string): string[] {
  return text.match(BPE_PIECES) ?? [];
}

const IS_WORD = new RegExp(`^${WORD}$`, 'u');

export function isWordPiece(piece: string): boolean {
  return IS_WORD.test(piece);
}
