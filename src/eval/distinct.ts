/**
 * distinct-n (Li et al. 2016, "A Diversity-Promoting Objective Function for Neural Conversation Models"): the
 * number of different n-grams in all the outputs over the number of n-grams in them, on the 13a tokens
 * (sacrebleu's tokenizer, so BLEU and distinct read the same tokens), lower-cased. A model that gives the same
 * reply to everything ("I don't know.") has a distinct-n near 0.
 */
import { tokenize13a } from './tokenize13a.js';

export function distinctN(outputs: readonly string[], n: number): number {
  const seen = new Set<string>();
  let total = 0;
  for (const output of outputs) {
    const tokens = tokenize13a(output.toLowerCase()).split(' ').filter(Boolean);
    for (let i = 0; i + n <= tokens.length; i++) {
      seen.add(tokens.slice(i, i + n).join(' '));
      total++;
    }
  }
  return total === 0 ? 0 : seen.size / total;
}
