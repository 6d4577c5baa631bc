/**
 * Global attention over the encoder memory M [B, S, H], one decoder step at a time, with hand-written
 * backward steps. Scores (s is the decoder's top state after the step, as in Luong et al. and See et al.):
 *
 *   luong general   e_j = (s·Wa)·m_j            luong dot   e_j = s·m_j
 *   bahdanau        e_j = vᵀ tanh(m_j·Wm + b + s·Wq)        (keys m_j·Wm + b computed once per batch)
 *   coverage        adds w·cov_j to Luong scores and cov_j·wc inside Bahdanau's tanh
 *
 * α = softmax(e + mask bias), context = Σ α_j m_j. Only plain matMuls are used (batched ones for [B, S, H]
 * against [B, H, 1]); the memory's gradient Σ_t α_tᵀ ⊗ dctx_t (+ dscoreᵀ ⊗ q for Luong) is deferred to the
 * end of the batch and done per example as one [S, 2T]·[2T, H] matMul (`outerRows`), which measured several
 * times faster on wasm than accumulating outer products every step.
 */
import { tf } from '../../compute/tf.js';
import { columnSums } from '../inputGrads.js';
import { type Consts, gradMatMul, tanh, tidy } from '../ops.js';
import type { PassWeights } from './passWeights.js';
import type { Seq2seqConfig } from './types.js';

const MASKED = -1e9;

export interface AttentionMemory {
  /** [B, S, H] */
  memory: tf.Tensor3D;
  /** [B, S]: 0 on real positions, −1e9 on padding; null without padding. */
  maskBias: tf.Tensor2D | null;
  /** Bahdanau keys m·Wm + b [B, S, A]. */
  keys: tf.Tensor3D | null;
  batch: number;
  steps: number;
}

/** Prepares a batch's memory; `lengths` (real source lengths) may be null when nothing is padded. */
export function prepareMemory(config: Seq2seqConfig, w: PassWeights, memory: tf.Tensor3D, lengths: Int32Array | null): AttentionMemory {
  const [batch, steps, hidden] = memory.shape;
  let maskBias: tf.Tensor2D | null = null;
  if (lengths && lengths.some((n) => n < steps)) {
    const bias = new Float32Array(batch * steps);
    for (let b = 0; b < batch; b++) bias.fill(MASKED, b * steps + lengths[b]!, (b + 1) * steps);
    maskBias = tf.tensor2d(bias, [batch, steps]);
  }
  let keys: tf.Tensor3D | null = null;
  if (config.attention === 'bahdanau') {
    const kernel = w.get2d('attention.memory');
    const flat = tf.fused.matMul({ a: tf.reshape(memory, [batch * steps, hidden]), b: kernel, bias: w.get('attention.bias') });
    keys = tf.reshape(flat, [batch, steps, kernel.shape[1]]);
  }
  return { memory, maskBias, keys, batch, steps };
}

export interface AttentionStep {
  alpha: tf.Tensor2D;
  context: tf.Tensor2D;
  /** Luong: the query s·Wa (or s); Bahdanau: s·Wq. Saved for the backward step. */
  query: tf.Tensor2D;
}

export function attend(config: Seq2seqConfig, w: PassWeights, mem: AttentionMemory, s: tf.Tensor2D, cov: tf.Tensor2D | null, k: Consts): AttentionStep {
  const { batch, steps } = mem;
  let score: tf.Tensor2D;
  let query: tf.Tensor2D;
  if (config.attention === 'luong') {
    query = config.luongScore === 'general' ? tf.matMul(s, w.get2d('attention.query')) : s;
    score = tf.reshape(tf.matMul(mem.memory, tf.reshape(query, [batch, -1, 1])), [batch, steps]);
    if (cov) score = tf.add<tf.Tensor2D>(score, tf.mul(cov, w.get('attention.coverage')));
  } else {
    const q = tf.matMul<tf.Tensor2D>(s, w.get2d('attention.query'));
    query = q;
    // The [B, S, A] features are large: free them at once rather than at the end of the pass.
    score = tf.tidy((): tf.Tensor2D => {
      const features = bahdanauFeatures(w, mem, q, cov, k);
      return tf.reshape(tf.matMul(tf.reshape(features, [-1, features.shape[2]]), w.get2d('attention.v')), [batch, steps]);
    });
  }
  const alpha = tf.softmax(mem.maskBias ? tf.add(score, mem.maskBias) : score) as tf.Tensor2D;
  const context = tf.reshape(tf.matMul(tf.reshape(alpha, [batch, 1, steps]), mem.memory), [batch, -1]) as tf.Tensor2D;
  return { alpha, context, query };
}

/** tanh(keys + q + cov·wc) [B, S, A]. */
function bahdanauFeatures(w: PassWeights, mem: AttentionMemory, query: tf.Tensor2D, cov: tf.Tensor2D | null, k: Consts): tf.Tensor3D {
  const { batch, steps } = mem;
  const width = query.shape[1];
  let pre: tf.Tensor3D = tf.add(mem.keys!, tf.reshape(query, [batch, 1, width]));
  if (cov) pre = tf.add<tf.Tensor3D>(pre, tf.mul(tf.reshape(cov, [batch, steps, 1]), tf.reshape(w.get('attention.coverage'), [1, 1, width])));
  return tf.reshape(tanh(tf.reshape(pre, [batch * steps, width]), k), [batch, steps, width]);
}

/** What the backward steps accumulate for the end of the batch. */
export class AttentionGrads {
  readonly states: tf.Tensor2D[] = [];
  readonly dQueries: tf.Tensor2D[] = [];
  readonly alphas: tf.Tensor2D[] = [];
  readonly dContexts: tf.Tensor2D[] = [];
  readonly dScores: tf.Tensor2D[] = [];
  readonly queries: tf.Tensor2D[] = [];
  readonly dV: tf.Tensor2D[] = [];
  readonly dCoverageWeight: tf.Tensor[] = [];
  dKeys: tf.Tensor3D | null = null;
}

/**
 * Backward through one attention step given dα (d loss / d α, everything that reaches α) and dctx.
 * Returns d s (the decoder state), dα's score gradient and, with coverage, d cov.
 */
export function attendBack(
  config: Seq2seqConfig,
  w: PassWeights,
  mem: AttentionMemory,
  step: { s: tf.Tensor2D; cov: tf.Tensor2D | null; out: AttentionStep },
  dAlphaIn: tf.Tensor2D,
  dContext: tf.Tensor2D,
  acc: AttentionGrads,
  k: Consts,
): { ds: tf.Tensor2D | null; dcov: tf.Tensor2D | null } {
  const { batch, steps } = mem;
  const { alpha, query } = step.out;
  const dAlpha: tf.Tensor2D = tf.add(dAlphaIn, tf.reshape(tf.matMul(mem.memory, tf.reshape(dContext, [batch, -1, 1])), [batch, steps]));
  const dScore: tf.Tensor2D = tf.mul(alpha, tf.sub(dAlpha, tf.sum(tf.mul(alpha, dAlpha), 1, true)));
  acc.alphas.push(alpha);
  acc.dContexts.push(dContext);
  acc.states.push(step.s);
  const rowScores = tf.reshape(dScore, [batch, 1, steps]);
  if (config.attention === 'luong') {
    const dq = tf.reshape(tf.matMul(rowScores, mem.memory), [batch, -1]) as tf.Tensor2D;
    acc.dScores.push(dScore);
    acc.queries.push(query);
    acc.dQueries.push(dq);
    let dcov: tf.Tensor2D | null = null;
    if (step.cov) {
      dcov = tf.mul<tf.Tensor2D>(dScore, w.get('attention.coverage'));
      acc.dCoverageWeight.push(tf.sum(tf.mul(dScore, step.cov)));
    }
    const ds: tf.Tensor2D = config.luongScore === 'general' ? tf.matMul(dq, w.t('attention.query')) : dq;
    return { ds, dcov };
  }
  const width = query.shape[1];
  const queryT = w.t('attention.query'); // made outside the tidy below, which would free it
  const cov = step.cov;
  // The [B, S, A] temporaries are freed at once; only the running Σ dPre (dKeys) is kept.
  const part = tidy(() => {
    const features = bahdanauFeatures(w, mem, query, cov, k);
    const v = tf.reshape(w.get('attention.v'), [1, 1, width]);
    const dPre: tf.Tensor3D = tf.mul<tf.Tensor3D>(tf.mul(tf.reshape(dScore, [batch, steps, 1]), v), tf.sub(k.one, tf.square(features)));
    const keys: tf.Tensor3D = acc.dKeys ? tf.add<tf.Tensor3D>(acc.dKeys, dPre) : dPre;
    const dq = tf.reshape(tf.matMul(onesRow(batch, steps), dPre), [batch, width]) as tf.Tensor2D;
    const dV = tf.reshape(tf.matMul(rowScores, features), [batch, width]) as tf.Tensor2D;
    let dcov: tf.Tensor2D | null = null;
    let dCoverageWeight: tf.Tensor2D | null = null;
    if (cov) {
      const wc = w.get2d('attention.coverage');
      dcov = tf.reshape(tf.matMul(tf.reshape(dPre, [batch * steps, width]), tf.reshape(wc, [width, 1])), [batch, steps]);
      dCoverageWeight = tf.reshape(tf.matMul(tf.reshape(cov, [batch, 1, steps]), dPre), [batch, width]);
    }
    return { keys, dq, dV, dcov, dCoverageWeight, ds: tf.matMul<tf.Tensor2D>(dq, queryT) };
  });
  acc.dKeys?.dispose();
  acc.dKeys = part.keys;
  acc.dQueries.push(part.dq);
  acc.dV.push(part.dV);
  if (part.dCoverageWeight) acc.dCoverageWeight.push(part.dCoverageWeight);
  return { ds: part.ds, dcov: part.dcov };
}

/**
 * End of the batch: the attention weights' gradients and d memory, batch-major rows [B·S, H] (the context's
 * part Σ α⊗dctx included).
 */
export function attentionGrads(config: Seq2seqConfig, w: PassWeights, mem: AttentionMemory, acc: AttentionGrads): { weights: Record<string, tf.Tensor>; dMemory: tf.Tensor2D } {
  const { batch, steps } = mem;
  const hidden = mem.memory.shape[2];
  const out: Record<string, tf.Tensor> = {};
  const lefts = [...acc.alphas];
  const rights = [...acc.dContexts];
  if (config.attention === 'luong') {
    lefts.push(...acc.dScores);
    rights.push(...acc.queries);
    if (config.luongScore === 'general') out['attention.query'] = gradMatMul(tf.concat(acc.states, 0), tf.concat(acc.dQueries, 0));
    if (config.coverage) out['attention.coverage'] = tf.reshape(tf.addN(acc.dCoverageWeight), [1, 1]);
  }
  let dMemory = outerRows(lefts, rights, batch, steps, hidden);
  if (config.attention === 'bahdanau') {
    const width = (w.get2d('attention.memory')).shape[1];
    out['attention.query'] = gradMatMul(tf.concat(acc.states, 0), tf.concat(acc.dQueries, 0));
    const sumRows = (xs: tf.Tensor[]) => tf.matMul(tf.ones([1, batch]), tf.addN(xs) as tf.Tensor2D);
    out['attention.v'] = tf.reshape(sumRows(acc.dV), [width, 1]);
    if (config.coverage) out['attention.coverage'] = sumRows(acc.dCoverageWeight);
    const dKeys = tf.reshape(acc.dKeys ?? tf.zeros([batch, steps, width]), [batch * steps, width]) as tf.Tensor2D;
    out['attention.memory'] = gradMatMul(tf.reshape(mem.memory, [batch * steps, hidden]), dKeys);
    out['attention.bias'] = tf.tensor1d(columnSums(dKeys.dataSync() as Float32Array, batch * steps, width));
    dMemory = tf.add<tf.Tensor2D>(dMemory, tf.matMul(dKeys, w.t('attention.memory')));
  }
  return { weights: out, dMemory };
}

/**
 * Σ_i leftᵢᵀ ⊗ rightᵢ per example: lefts[i] [B, S], rights[i] [B, H] → batch-major rows [B·S, H], as one
 * [S, n]·[n, H] matMul per example from one read of each side.
 */
export function outerRows(lefts: tf.Tensor2D[], rights: tf.Tensor2D[], batch: number, steps: number, hidden: number): tf.Tensor2D {
  const n = lefts.length;
  if (n === 0) return tf.zeros([batch * steps, hidden]);
  const l = tf.concat(lefts, 0).dataSync() as Float32Array;
  const r = tf.concat(rights, 0).dataSync() as Float32Array;
  const parts: tf.Tensor2D[] = [];
  for (let b = 0; b < batch; b++) {
    const left = new Float32Array(steps * n);
    const right = new Float32Array(n * hidden);
    for (let i = 0; i < n; i++) {
      const row = (i * batch + b) * steps;
      for (let j = 0; j < steps; j++) left[j * n + i] = l[row + j]!;
      right.set(r.subarray((i * batch + b) * hidden, (i * batch + b + 1) * hidden), i * hidden);
    }
    parts.push(tf.matMul(tf.tensor2d(left, [steps, n]), tf.tensor2d(right, [n, hidden])));
  }
  return tf.concat(parts, 0);
}

/** A [B, 1, S] tensor of ones: Σ over S as a batched matMul (tf.sum over a middle axis transposes first). */
function onesRow(batch: number, steps: number): tf.Tensor3D {
  return tf.ones([batch, 1, steps]);
}
