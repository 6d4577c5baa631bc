/**
 * Longest-common-subsequence machinery for ROUGE-L and ROUGE-Lsum, following google-research
 * `rouge_score` (`_lcs_table`, `_backtrack_norec`, `_union_lcs`, `_summary_level_lcs`) step for step.
 * The backtrack's tie-breaking matters: ROUGE-Lsum's union LCS depends on which of several equally long
 * subsequences is read out, so it is copied exactly rather than "improved".
 */

/** The (rows+1)×(cols+1) dynamic-programming table, flattened row-major. */
export interface LcsTable {
  readonly rows: number;
  readonly cols: number;
  readonly cells: Int32Array;
}

export function lcsTable<T>(ref: readonly T[], can: readonly T[]): LcsTable {
  const rows = ref.length;
  const cols = can.length;
  const width = cols + 1;
  const cells = new Int32Array((rows + 1) * width);
  for (let i = 1; i <= rows; i++) {
    const r = ref[i - 1];
    const row = i * width;
    const prev = row - width;
    for (let j = 1; j <= cols; j++) {
      if (r === can[j - 1]) {
        cells[row + j] = cells[prev + j - 1]! + 1;
      } else {
        const up = cells[prev + j]!;
        const left = cells[row + j - 1]!;
        cells[row + j] = up > left ? up : left;
      }
    }
  }
  return { rows, cols, cells };
}

export function lcsLength<T>(ref: readonly T[], can: readonly T[]): number {
  if (ref.length === 0 || can.length === 0) return 0;
  // Two rows suffice when only the length is wanted.
  let prev = new Int32Array(can.length + 1);
  let cur = new Int32Array(can.length + 1);
  for (let i = 1; i <= ref.length; i++) {
    const r = ref[i - 1];
    for (let j = 1; j <= can.length; j++) {
      if (r === can[j - 1]) cur[j] = prev[j - 1]! + 1;
      else cur[j] = prev[j]! > cur[j - 1]! ? prev[j]! : cur[j - 1]!;
    }
    [prev, cur] = [cur, prev];
  }
  return prev[can.length]!;
}

/** Indices into `ref` of one longest common subsequence, read out as `_backtrack_norec` does. */
export function lcsIndices<T>(ref: readonly T[], can: readonly T[]): number[] {
  const { cols, cells } = lcsTable(ref, can);
  const width = cols + 1;
  const out: number[] = [];
  let i = ref.length;
  let j = can.length;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      out.push(i - 1);
      i--;
      j--;
    } else if (cells[i * width + j - 1]! > cells[(i - 1) * width + j]!) {
      j--;
    } else {
      i--;
    }
  }
  return out.reverse();
}

/** The tokens of `ref` covered by the union of its LCS with each candidate sentence, in `ref` order. */
export function unionLcs<T>(ref: readonly T[], candidates: readonly (readonly T[])[]): T[] {
  const covered = new Set<number>();
  for (const can of candidates) for (const i of lcsIndices(ref, can)) covered.add(i);
  return [...covered].sort((a, b) => a - b).map((i) => ref[i]!);
}

function counts<T>(sentences: readonly (readonly T[])[]): Map<T, number> {
  const out = new Map<T, number>();
  for (const s of sentences) for (const t of s) out.set(t, (out.get(t) ?? 0) + 1);
  return out;
}

/**
 * Summary-level LCS hits (ROUGE paper §3.2) with ROUGE-1.5.5's guard against double counting: a token
 * scores only while both summaries still have an unclaimed occurrence of it.
 */
export function summaryLevelLcsHits<T>(
  refSentences: readonly (readonly T[])[],
  canSentences: readonly (readonly T[])[],
): number {
  const refCounts = counts(refSentences);
  const canCounts = counts(canSentences);
  let hits = 0;
  for (const r of refSentences) {
    for (const t of unionLcs(r, canSentences)) {
      const c = canCounts.get(t) ?? 0;
      const rc = refCounts.get(t) ?? 0;
      if (c > 0 && rc > 0) {
        hits++;
        canCounts.set(t, c - 1);
        refCounts.set(t, rc - 1);
      }
    }
  }
  return hits;
}
