/**
 * One logits row → the events generation chooses between: each token that may be emitted, and "end here"
 * (END), whose probability is the total of every token that would end the continuation (./stop.ts). Sampling
 * and beam search both build their choices here, so greedy decoding and a beam of one pick the same events.
 *
 * Log-probabilities are the model's own (softmax over the whole vocabulary, in float64): banned specials are
 * left out of the events but keep their share of the normaliser, so a continuation's score is exactly its
 * log-probability under the model.
 */
import { type EndKind, type TokenTable, isEndToken } from './stop.js';

/** The id of the "end here" event. */
export const END = -1;

export interface Events {
  /** Token ids, with END (when anything can end the continuation) first. */
  ids: Int32Array;
  logProbs: Float64Array;
}

export function buildEvents(row: ArrayLike<number>, table: TokenTable, kind: EndKind): Events {
  const v = table.vocabSize;
  if (row.length !== v) throw new Error(`logits row has ${row.length} entries, the vocabulary ${v}`);
  const logZ = logSumExp(row);
  const ids = new Int32Array(v + 1);
  const logProbs = new Float64Array(v + 1);
  let endMax = -Infinity;
  for (let id = 0; id < v; id++) if (isEndToken(table, kind, id)) endMax = Math.max(endMax, row[id]!);
  let n = 0;
  if (endMax > -Infinity) {
    let sum = 0;
    for (let id = 0; id < v; id++) if (isEndToken(table, kind, id)) sum += Math.exp(row[id]! - endMax);
    ids[0] = END;
    logProbs[0] = endMax + Math.log(sum) - logZ;
    n = 1;
  }
  for (let id = 0; id < v; id++) {
    if (table.banned[id] === 1 || isEndToken(table, kind, id)) continue;
    ids[n] = id;
    logProbs[n] = row[id]! - logZ;
    n++;
  }
  return { ids: ids.subarray(0, n), logProbs: logProbs.subarray(0, n) };
}

/** The model's log-probability of event `id` (a token or END) in this row. */
export function eventLogProb(row: ArrayLike<number>, table: TokenTable, kind: EndKind, id: number): number {
  const events = buildEvents(row, table, kind);
  const at = events.ids.indexOf(id);
  return at < 0 ? -Infinity : events.logProbs[at]!;
}

export function logSumExp(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]!);
  if (max === -Infinity || !Number.isFinite(max)) return max;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp(values[i]! - max);
  return max + Math.log(sum);
}

/** Index of the largest value; the first one on ties. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Indices of the k largest values, largest first; earlier indices first on ties. */
export function topIndices(values: ArrayLike<number>, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (out.length === k && !(value > values[out[k - 1]!]!)) continue;
    let at = out.length;
    while (at > 0 && value > values[out[at - 1]!]!) at--;
    out.splice(at, 0, i);
    if (out.length > k) out.pop();
  }
  return out;
}
