/**
 * How summaries and replies are decoded when nobody says otherwise — the one set of defaults the Summarizer
 * and Dialogue panes, `longhand summarize|reply|eval` and the core's summarize()/reply() all start from, so
 * what `longhand eval` measures is what a writer gets. It lives in the contract because the renderer shows
 * these values in its fields and may import nothing else of the core.
 *
 * Why these values: docs/performance.md ("BBC summarization", "The starter dialogue model") has the sweeps.
 */

export const SUMMARY_DECODING = {
  /** Beam width; 1 is greedy. */
  beam: 4,
  /** Wu et al.'s length penalty α (0: none). */
  lengthPenalty: 1,
  // No minimum here either: by default a summary is about as long, for its source, as the model's training
  // summaries were for theirs (the checkpoint's targetLength). Beam search with no minimum ended BBC summaries
  // at a third of the references' length (ROUGE-1 .358 on test); at their length .525, slightly above the lead cut
  // to the same length (docs/performance.md, "Summaries as long as the model learnt").
  /** A summary never repeats a trigram (beam search would otherwise loop on a sentence). */
  blockNgram: 3,
  // No maximum here: a summary may be as long as the summaries the model was trained on (its target length);
  // a cap below that (the pane's old 60) cut summaries whose references average 170 words.
} as const;

export const REPLY_DECODING = {
  // Sampling, not beam search: beam and greedy replies of the starter dialogue model are the same few generic
  // lines (distinct-2 0.009–0.019); at 0.7 among the 40 likeliest words with no repeated trigram they are varied
  // (0.145) and as close to the book's replies (BLEU-1 9.2 vs greedy 4.5) — docs/performance.md.
  /** 0 decodes deterministically (beam search, or greedy with beam 1); above 0 samples. */
  temperature: 0.7,
  /** Sample among the k most likely tokens (0: all). */
  topK: 40,
  /** Beam width when temperature is 0. */
  beam: 4,
  /** No repeated n-grams of this length within a reply (0: off). */
  blockNgram: 3,
} as const;
