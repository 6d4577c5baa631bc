/**
 * The encoder: embedding (and, with `sourceCounts`, each token's ln count in its source) → L LSTM layers (bidirectional: H/2 units per direction, outputs concatenated),
 * inverted dropout on the input of layers ≥ 1 when training. Sources are padded at the end; every direction
 * holds its state over padding (./lstm.ts), so the backward direction starts from zeros at each sequence's
 * own last token and every final state is the one after the last real token.
 *
 * Returns the memory the attention reads ([B, S, H], batch-major) and each layer's final state ([B, H],
 * forward then backward halves), which the bridge maps to the decoder's initial state. `encoderBackward`
 * takes d memory and d final states and returns the gradients of the encoder weights and the embedding rows.
 */
import { pausePoint } from '../../compute/pausePoint.js';
import { tf } from '../../compute/tf.js';
import { scatterAddRows } from '../inputGrads.js';
import { type Consts, transpose2d } from '../ops.js';
import type { Rng } from '../rng.js';
import type { LayerState } from '../types.js';
import { type BackStep, Lstm, type StepTape, weightGrads } from './lstm.js';
import { sourceCountFeature } from './sourceCounts.js';
import { embedSteps, holdMasks, leadingColumns, stepColumns, stepDropout, timeMajorIds, toBatchMajor } from './steps.js';
import type { Seq2seqConfig, Weights } from './types.js';
import { directions, encoderHidden } from './weights.js';

interface DirectionTape {
  name: string;
  lstm: Lstm;
  tapes: StepTape[];
  /** Source position of each tape entry (processing order). */
  order: number[];
}

interface LayerTape {
  dirs: DirectionTape[];
  /** Inverted-dropout mask on this layer's input (time-major [S·B, in]), layers ≥ 1 only. */
  dropMask: Float32Array | null;
  inputSize: number;
}

export interface EncoderPass {
  /** [B, S, H] */
  memory: tf.Tensor3D;
  /** Per layer, [B, H]. */
  final: LayerState[];
  /** Present when run with save. */
  tape: { layers: LayerTape[]; ids: Int32Array; batch: number; steps: number } | null;
}

export interface EncoderRun {
  config: Seq2seqConfig;
  weights: Weights;
  /** Batch-major [B, S] source ids. */
  ids: Int32Array;
  /** What `sourceCounts` counts ([B, S]; ./sourceCounts.ts): the extended ids with copy, else the ids. */
  countKeys: Int32Array;
  lengths: Int32Array;
  batch: number;
  steps: number;
  /** Embedding table data (source or shared), row-major [V, E]. */
  table: Float32Array;
  consts: Consts;
  save: boolean;
  rng: Rng | null;
}

export function encode(run: EncoderRun): EncoderPass {
  const { config, weights, batch, steps, consts } = run;
  const hidden = encoderHidden(config);
  const holds = holdMasks(run.lengths, steps);
  const counts = config.sourceCounts ? sourceCountFeature(run.countKeys, run.lengths, batch, steps) : null;
  let xs = embedSteps(run.table, config.embedDim, run.ids, batch, steps, counts);
  const final: LayerState[] = [];
  const layers: LayerTape[] = [];
  for (let l = 0; l < config.layers; l++) {
    let dropMask: Float32Array | null = null;
    if (l > 0) {
      const drop = stepDropout(run.rng, config.dropout, steps, batch, xs[0]!.shape[1]);
      if (drop) {
        xs = xs.map((x, t) => tf.mul<tf.Tensor2D>(x, drop.steps[t]!));
        dropMask = drop.all;
      }
    }
    const dirs: DirectionTape[] = [];
    const outs: tf.Tensor2D[][] = [];
    const finals: LayerState[] = [];
    for (const dir of directions(config)) {
      const name = `encoder.${l}.${dir}`;
      const lstm = new Lstm(weights[`${name}.kernel`] as tf.Tensor2D, weights[`${name}.recurrent`] as tf.Tensor2D, weights[`${name}.bias`] as tf.Tensor1D);
      const order = Array.from({ length: steps }, (_, i) => (dir === 'fw' ? i : steps - 1 - i));
      const tapes: StepTape[] | null = run.save ? [] : null;
      const out: tf.Tensor2D[] = new Array<tf.Tensor2D>(steps);
      let state: LayerState = { h: tf.zeros([batch, hidden]), c: tf.zeros([batch, hidden]) };
      for (const t of order) {
        pausePoint();
        state = lstm.step([xs[t]!], state, consts, tapes, holds[t]!);
        out[t] = state.h as tf.Tensor2D;
      }
      outs.push(out);
      finals.push(state);
      dirs.push({ name, lstm, tapes: tapes ?? [], order });
    }
    layers.push({ dirs, dropMask, inputSize: xs[0]!.shape[1] });
    if (finals.length === 1) final.push(finals[0]!);
    else final.push({ h: tf.concat(finals.map((s) => s.h), 1), c: tf.concat(finals.map((s) => s.c!), 1) });
    xs = outs.length === 1 ? outs[0]! : outs[0]!.map((fw, t) => tf.concat([fw, outs[1]![t]!], 1));
  }
  const memory = toBatchMajor(tf.concat(xs, 0), steps);
  return { memory, final, tape: run.save ? { layers, ids: run.ids, batch, steps } : null };
}

export interface EncoderGrads {
  weights: Record<string, tf.Tensor>;
  /** d loss / d embedding rows, summed per token id: [V, E] row-major. */
  embedding: Float32Array;
}

/**
 * Backward through a saved encoder pass. `dMemory` is time-major rows [S·B, H]; `dFinal` per layer ([B, H]
 * h and c, or null where nothing flowed back).
 */
export function encoderBackward(
  pass: EncoderPass,
  config: Seq2seqConfig,
  vocab: number,
  dMemory: tf.Tensor2D,
  dFinal: ({ h: tf.Tensor2D | null; c: tf.Tensor2D | null } | null)[],
): EncoderGrads {
  const tape = pass.tape;
  if (!tape) throw new Error('encoderBackward needs an encoder pass run with save');
  const { steps, batch } = tape;
  const hidden = encoderHidden(config);
  const widths = directions(config).map(() => hidden);
  const grads: Record<string, tf.Tensor> = {};
  let dOut = stepColumns(dMemory, steps, widths);
  let embedding: Float32Array | null = null;
  for (let l = config.layers - 1; l >= 0; l--) {
    const layer = tape.layers[l]!;
    const dzRows: tf.Tensor2D[] = [];
    layer.dirs.forEach((dir, d) => {
      const fin = dFinal[l];
      const pick = (x: tf.Tensor2D | null) => (x && widths.length > 1 ? tf.slice(x, [0, d * hidden], [batch, hidden]) : x);
      const values = (x: tf.Tensor2D | null) => (x ? (x.dataSync() as Float32Array) : null);
      let dh: Float32Array | null = values(pick(fin?.h ?? null));
      let dc: Float32Array | null = values(pick(fin?.c ?? null));
      const backs: BackStep[] = new Array<BackStep>(dir.tapes.length);
      const byTime: tf.Tensor2D[] = new Array<tf.Tensor2D>(steps);
      for (let i = dir.tapes.length - 1; i >= 0; i--) {
        pausePoint();
        const t = dir.order[i]!;
        const back = dir.lstm.backStep(dir.tapes[i]!, [dOut[d]![t]!, dh], dc, i > 0);
        backs[i] = back;
        byTime[t] = back.dz;
        dh = back.dhPrev;
        dc = back.dcPrev;
      }
      const g = weightGrads(dir.tapes, backs, layer.inputSize);
      grads[`${dir.name}.kernel`] = g.kernel;
      grads[`${dir.name}.recurrent`] = g.recurrent;
      grads[`${dir.name}.bias`] = g.bias;
      dzRows.push(tf.concat(byTime, 0));
    });
    // d input rows for all steps at once: Σ over directions of dZ·Wᵀ.
    const kernelT = layer.dirs.map((dir) => transpose2d(dir.lstm.kernelTensor()));
    const dX = tf.addN(dzRows.map((dz, d) => tf.matMul(dz, kernelT[d]!))) as tf.Tensor2D;
    if (l > 0) {
      dOut = stepColumns(dX, steps, widths, layer.dropMask);
    } else {
      // The count column is an input, not a weight: only the embedding's columns flow back.
      const dEmbedded = leadingColumns(dX.dataSync() as Float32Array, steps * batch, layer.inputSize, config.embedDim);
      embedding = scatterAddRows(timeMajorIds(tape.ids, batch, steps), dEmbedded, config.embedDim, vocab);
    }
  }
  return { weights: grads, embedding: embedding! };
}
