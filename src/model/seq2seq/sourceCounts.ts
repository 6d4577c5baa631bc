/**
 * How often each source token occurs in its own source, as an input feature of the encoder (Nallapati et al.
 * 2016, "feature-rich encoder": term frequency). Which sentences a summary keeps depends on words the article
 * repeats — on BBC News Summary a throwaway scorer that sums each sentence's word counts beats the lead by
 * +.07 ROUGE-1 at equal length, while a recurrent encoder left to count for itself learns little more than
 * position (docs/performance.md, "What the summaries select"). Counting is exact and cheap in JS; the model
 * learns what to do with it.
 *
 * The feature is ln(count): 0 for a word said once, growing slowly, independent of the source's length.
 */

/**
 * Batch-major [B, S] ln(count of the token in its row's first `lengths[b]` tokens); 0 on padding. `keys` are
 * the token identities to count ([B, S]): with copy, the extended ids, so that two different out-of-vocabulary
 * names are not counted as one `<unk>`.
 */
export function sourceCountFeature(keys: Int32Array, lengths: Int32Array, batch: number, steps: number): Float32Array {
  const out = new Float32Array(batch * steps);
  const counts = new Map<number, number>();
  for (let b = 0; b < batch; b++) {
    counts.clear();
    const n = Math.min(lengths[b]!, steps);
    for (let t = 0; t < n; t++) {
      const k = keys[b * steps + t]!;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    for (let t = 0; t < n; t++) out[b * steps + t] = Math.log(counts.get(keys[b * steps + t]!)!);
  }
  return out;
}
