/**
 * One training (or scoring) pass over a batch: encoder → bridge → decoder with teacher forcing → loss, and,
 * when asked, every weight's gradient by hand-written backward (no autodiff tape): the decoder's steps in
 * reverse (attentional state, attention, LSTM stack, input feeding), then the bridge, then the encoder.
 *
 * Per-step quantities stay per-step tensors; anything computed over all steps (the output projection, p_gen,
 * weight gradients) runs once on the real target positions gathered into [N, ·] rows, so padding costs
 * nothing there. Call inside tf.tidy (Seq2seqModel does).
 */
import { pausePoint } from '../../compute/pausePoint.js';
import { tf } from '../../compute/tf.js';
import { columnSums, scatterAddRows } from '../inputGrads.js';
import { type Consts, gradMatMul, makeConsts, matMulTN, tidy } from '../ops.js';
import type { Rng } from '../rng.js';
import type { LayerState } from '../types.js';
import { AttentionGrads, attendBack, attentionGrads, prepareMemory } from './attention.js';
import { DecoderCore, type DecoderState, type DecoderStepOut } from './decoder.js';
import { encode, encoderBackward } from './encoder.js';
import { seq2seqLoss } from './loss.js';
import { type BackStep, type StepTape, weightGrads } from './lstm.js';
import { PassWeights } from './passWeights.js';
import { embedSteps, stepDropout, timeMajorIds, toTimeMajor } from './steps.js';
import type { Seq2seqBatch, Seq2seqConfig, Weights } from './types.js';

export interface PassOptions {
  withGrad: boolean;
  /** Dropout masks (training); null runs without dropout. */
  rng: Rng | null;
  coverageWeight: number;
}

export interface PassResult {
  nllSum: number;
  coverageSum: number;
  /** Real target positions. */
  count: number;
  grads: Record<string, tf.Tensor> | null;
}

export function runPass(config: Seq2seqConfig, weights: Weights, batch: Seq2seqBatch, options: PassOptions): PassResult {
  const w = new PassWeights(weights);
  const k = makeConsts();
  const { batch: B, sourceLen: S, targetLen: T } = batch;
  const targetTable = w.get('embedding').dataSync() as Float32Array;
  const sourceTable = config.sharedEmbedding ? targetTable : (w.get('source.embedding').dataSync() as Float32Array);
  const enc = encode({ config, weights, ids: batch.source, countKeys: config.copy ? batch.sourceExtended : batch.source, lengths: batch.sourceLengths, batch: B, steps: S, table: sourceTable, consts: k, save: options.withGrad, rng: options.rng });
  const mem = prepareMemory(config, w, enc.memory, batch.sourceLengths);
  const core = new DecoderCore(config, w, mem, k);
  const init = core.initialState(enc.final);

  // Forward with teacher forcing.
  const embeds = embedSteps(targetTable, config.embedDim, batch.decoderInput, B, T);
  const tapes: StepTape[][] = Array.from({ length: config.layers }, () => []);
  const drops = Array.from({ length: config.layers }, (_, l) => (l === 0 ? null : stepDropout(options.rng, config.dropout, T, B, config.hiddenSize)));
  const outs: DecoderStepOut[] = [];
  let state: DecoderState = init;
  for (let t = 0; t < T; t++) {
    pausePoint();
    const out = core.step(embeds[t]!, state, options.withGrad ? tapes : null, drops.map((d) => d?.steps[t] ?? null));
    outs.push(out);
    state = out.state;
  }

  // Real positions, time-major rows t·B + b.
  const rowList: number[] = [];
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if (t < batch.targetLengths[b]!) rowList.push(t * B + b);
  const rows = Int32Array.from(rowList);
  const n = rows.length;
  const labels = new Int32Array(n);
  rows.forEach((r, i) => (labels[i] = batch.labels[(r % B) * T + Math.floor(r / B)]!));
  const rowIndex = tf.tensor1d(rows, 'int32');
  const gather = (xs: tf.Tensor2D[]) => tf.gather(tf.concat(xs, 0), rowIndex) as tf.Tensor2D;

  const outDrop = stepDropout(options.rng, config.dropout, T, B, config.hiddenSize);
  const htildes = outs.map((o, t) => (outDrop ? tf.mul<tf.Tensor2D>(o.htilde, outDrop.steps[t]!) : o.htilde));
  const hN = gather(htildes);
  const logits = tf.fused.matMul({ a: hN, b: w.get2d('projection.kernel'), bias: w.get('projection.bias') }) as tf.Tensor2D;
  let copyInputs: tf.Tensor2D | null = null;
  let gen: Float32Array | null = null;
  if (config.copy) {
    // [ctx; s; e; 1] per real position: p_gen's weights in one matMul, and their gradient in one more.
    copyInputs = tf.concat<tf.Tensor2D>([gather(outs.map((o) => o.attention.context)), gather(outs.map((o) => o.s)), gather(embeds), tf.ones([n, 1])], 1);
    const copyWeights = tf.concat([w.get2d('copy.context'), w.get2d('copy.state'), w.get2d('copy.input'), tf.reshape(w.get('copy.bias'), [1, 1])], 0);
    gen = tf.sigmoid(tf.matMul(copyInputs!, copyWeights)).dataSync() as Float32Array;
  }
  const needAlpha = config.copy || (config.coverage && options.coverageWeight > 0);
  const alpha = needAlpha ? (tf.concat(outs.map((o) => o.attention.alpha), 0).dataSync() as Float32Array) : null;
  const loss = seq2seqLoss(
    {
      logits,
      rows,
      labels,
      batch: B,
      targetLen: T,
      sourceLen: S,
      gen,
      alpha,
      sourceExtended: config.copy ? batch.sourceExtended : null,
      coverageWeight: config.coverage ? options.coverageWeight : 0,
    },
    options.withGrad,
  );
  const result: PassResult = { nllSum: loss.nllSum, coverageSum: loss.coverageSum, count: n, grads: null };
  if (!options.withGrad) {
    logits.dispose();
    return result;
  }

  const grads: Record<string, tf.Tensor> = {};
  const H = config.hiddenSize;
  const E = config.embedDim;
  // Output projection; a column of ones gives the bias gradient from the same matMul.
  const dLogits = loss.dLogits!;
  const projectionT = w.t('projection.kernel');
  const projection = tidy(() => {
    const g = gradMatMul(tf.concat([hN, tf.ones([n, 1])], 1), dLogits);
    return { kernel: tf.slice(g, [0, 0], [H, -1]), bias: tf.reshape(tf.slice(g, [H, 0], [1, -1]), [-1]), dH: tf.matMul(dLogits, projectionT).dataSync() as Float32Array };
  });
  tf.dispose([dLogits, logits]);
  grads['projection.kernel'] = projection.kernel;
  grads['projection.bias'] = projection.bias;
  const dHtilde = expandRows(projection.dH, rows, H, T, B, outDrop?.all ?? null);

  // p_gen: its weights, and what it adds to d ctx, d s and d e per position.
  let dCtxExtra: Float32Array[] | null = null;
  let dSExtra: Float32Array[] | null = null;
  const dTargetEmbedding = new Float64Array(config.targetVocabSize * E);
  if (config.copy) {
    const dPre = new Float32Array(n);
    for (let r = 0; r < n; r++) dPre[r] = loss.dGen![r]! * gen![r]! * (1 - gen![r]!);
    const dPreT = tf.tensor2d(dPre, [n, 1]);
    const g = matMulTN(copyInputs!, dPreT).dataSync() as Float32Array;
    grads['copy.context'] = tf.tensor2d(g.subarray(0, H), [H, 1]);
    grads['copy.state'] = tf.tensor2d(g.subarray(H, 2 * H), [H, 1]);
    grads['copy.input'] = tf.tensor2d(g.subarray(2 * H, 2 * H + E), [E, 1]);
    grads['copy.bias'] = tf.tensor1d([g[2 * H + E]!]);
    const wc = w.get('copy.context').dataSync();
    const ws = w.get('copy.state').dataSync();
    const we = w.get('copy.input').dataSync();
    dCtxExtra = Array.from({ length: T }, () => new Float32Array(B * H));
    dSExtra = Array.from({ length: T }, () => new Float32Array(B * H));
    rows.forEach((row, r) => {
      const t = Math.floor(row / B);
      const b = row % B;
      const d = dPre[r]!;
      const ctx = dCtxExtra![t]!;
      const s = dSExtra![t]!;
      for (let j = 0; j < H; j++) {
        ctx[b * H + j] = d * wc[j]!;
        s[b * H + j] = d * ws[j]!;
      }
      const id = batch.decoderInput[b * T + t]!;
      for (let j = 0; j < E; j++) dTargetEmbedding[id * E + j] = dTargetEmbedding[id * E + j]! + d * we[j]!;
    });
  }

  // Decoder steps in reverse.
  const acc = new AttentionGrads();
  const dPres: tf.Tensor2D[] = new Array<tf.Tensor2D>(T);
  const backs: BackStep[][] = Array.from({ length: config.layers }, () => new Array<BackStep>(T));
  const dhRec: (Float32Array | null)[] = Array.from({ length: config.layers }, () => null);
  const dcRec: (Float32Array | null)[] = Array.from({ length: config.layers }, () => null);
  let dFeed: tf.Tensor2D | null = null;
  let covCarry: tf.Tensor2D | null = null;
  const size = B * S;
  for (let t = T - 1; t >= 0; t--) {
    pausePoint();
    const out = outs[t]!;
    const dh0 = tf.tensor2d(dHtilde[t]!, [B, H]);
    const dh: tf.Tensor2D = dFeed ? tf.add(dh0, dFeed) : dh0;
    const dPre: tf.Tensor2D = tf.mul(dh, tf.sub(k.one, tf.square(out.htilde)));
    dPres[t] = dPre;
    let dCtx: tf.Tensor2D = tf.matMul(dPre, w.t('output.context'));
    let ds: tf.Tensor2D = tf.matMul(dPre, w.t('output.state'));
    if (dCtxExtra) {
      dCtx = tf.add(dCtx, tf.tensor2d(dCtxExtra[t]!, [B, H]));
      ds = tf.add(ds, tf.tensor2d(dSExtra![t]!, [B, H]));
    }
    let dAlpha: tf.Tensor2D = loss.dAlpha ? tf.tensor2d(loss.dAlpha.subarray(t * size, (t + 1) * size), [B, S]) : tf.zeros([B, S]);
    if (covCarry) dAlpha = tf.add(dAlpha, covCarry);
    const back = attendBack(config, w, mem, { s: out.s, cov: out.cov, out: out.attention }, dAlpha, dCtx, acc, k);
    if (back.ds) ds = tf.add(ds, back.ds);
    if (back.dcov) covCarry = covCarry ? tf.add<tf.Tensor2D>(covCarry, back.dcov) : back.dcov;
    let dAbove: tf.Tensor2D = ds;
    for (let l = config.layers - 1; l >= 0; l--) {
      const lstm = core.lstms[l]!;
      const step = lstm.backStep(tapes[l]![t]!, [dAbove, dhRec[l]!], dcRec[l]!);
      backs[l]![t] = step;
      dhRec[l] = step.dhPrev;
      dcRec[l] = step.dcPrev;
      if (l > 0) {
        const d = lstm.inputGrad(step.dz);
        const drop = drops[l]?.steps[t];
        dAbove = drop ? tf.mul(d, drop) : d;
      } else if (t > 0) {
        dFeed = lstm.inputGrad(step.dz, E, H);
      }
    }
  }

  // Weight gradients over all steps.
  const contexts = tf.concat(
    outs.map((o) => o.attention.context),
    0,
  );
  const states = tf.concat(
    outs.map((o) => o.s),
    0,
  );
  const dPre = tf.concat(dPres, 0);
  grads['output.context'] = gradMatMul(contexts, dPre);
  grads['output.state'] = gradMatMul(states, dPre);
  grads['output.bias'] = tf.tensor1d(columnSums(dPre.dataSync() as Float32Array, T * B, H));
  core.lstms.forEach((lstm, l) => {
    const g = weightGrads(tapes[l]!, backs[l]!, lstm.inputSize);
    grads[`decoder.${l}.kernel`] = g.kernel;
    grads[`decoder.${l}.recurrent`] = g.recurrent;
    grads[`decoder.${l}.bias`] = g.bias;
  });
  const dEmbedRows = core.lstms[0]!.inputGrad(
    tf.concat(
      backs[0]!.map((b) => b.dz),
      0,
    ),
    0,
    E,
  ).dataSync() as Float32Array;
  addScatter(dTargetEmbedding, timeMajorIds(batch.decoderInput, B, T), dEmbedRows, E);
  const att = attentionGrads(config, w, mem, acc);
  Object.assign(grads, att.weights);

  // Bridge, then the encoder.
  const dFinal = enc.final.map((s, l) => bridgeBackward(w, s, init.layers[l]!, dhRec[l]!, dcRec[l]!, grads, l, k));
  const encGrads = encoderBackward(enc, config, config.sharedEmbedding ? config.targetVocabSize : config.sourceVocabSize, toTimeMajor(tf.reshape(att.dMemory, [B, S, H])), dFinal);
  Object.assign(grads, encGrads.weights);
  if (config.sharedEmbedding) {
    for (let i = 0; i < dTargetEmbedding.length; i++) dTargetEmbedding[i] = dTargetEmbedding[i]! + encGrads.embedding[i]!;
  } else {
    grads['source.embedding'] = tf.tensor2d(encGrads.embedding, [config.sourceVocabSize, E]);
  }
  grads['embedding'] = tf.tensor2d(Float32Array.from(dTargetEmbedding), [config.targetVocabSize, E]);
  result.grads = grads;
  return result;
}

/** h0 = tanh(h_enc·W + b), c0 = c_enc·W + b backwards: the bridge's gradients and d (h_enc, c_enc). */
function bridgeBackward(w: PassWeights, encoderFinal: LayerState, init: LayerState, dh0Values: Float32Array, dc0Values: Float32Array, grads: Record<string, tf.Tensor>, l: number, k: Consts): { h: tf.Tensor2D; c: tf.Tensor2D } {
  const [batch, hidden] = (init.h as tf.Tensor2D).shape;
  const dc0 = tf.tensor2d(dc0Values, [batch, hidden]);
  const dPre: tf.Tensor2D = tf.mul(tf.tensor2d(dh0Values, [batch, hidden]), tf.sub(k.one, tf.square(init.h)));
  grads[`bridge.${l}.h.kernel`] = gradMatMul(encoderFinal.h as tf.Tensor2D, dPre);
  grads[`bridge.${l}.h.bias`] = tf.tensor1d(columnSums(dPre.dataSync() as Float32Array, batch, hidden));
  grads[`bridge.${l}.c.kernel`] = gradMatMul(encoderFinal.c as tf.Tensor2D, dc0);
  grads[`bridge.${l}.c.bias`] = tf.tensor1d(columnSums(dc0.dataSync() as Float32Array, batch, hidden));
  return { h: tf.matMul(dPre, w.t(`bridge.${l}.h.kernel`)), c: tf.matMul(dc0, w.t(`bridge.${l}.c.kernel`)) };
}

/** Compact rows [N, width] (time-major row ids `rows`) → per-step [B·width] arrays, zeros elsewhere, × mask. */
function expandRows(data: Float32Array, rows: Int32Array, width: number, steps: number, batch: number, mask: Float32Array | null): Float32Array[] {
  const out = Array.from({ length: steps }, () => new Float32Array(batch * width));
  rows.forEach((row, r) => {
    const t = Math.floor(row / batch);
    const b = row % batch;
    const target = out[t]!;
    if (mask) {
      for (let j = 0; j < width; j++) target[b * width + j] = data[r * width + j]! * mask[row * width + j]!;
    } else {
      target.set(data.subarray(r * width, (r + 1) * width), b * width);
    }
  });
  return out;
}

function addScatter(into: Float64Array, ids: Int32Array, rows: Float32Array, width: number): void {
  const sums = scatterAddRows(ids, rows, width, into.length / width);
  for (let i = 0; i < into.length; i++) into[i] = into[i]! + sums[i]!;
}
