/**
 * The recurrent language model shared by the trainer, the generator and checkpoint I/O:
 * embedding → L stacked LSTM/GRU layers (inverted dropout between layers and before the output, training
 * only) → dense → softmax. Weights are tf.Variables in the Keras layout (./types.ts).
 *
 * Sequences run time-major inside ([T·B, ·] rows ordered t, then b) so that one step's rows are contiguous;
 * callers pass and receive batch-major [B, T] tensors. Gradients are computed by hand (./lstm.ts, ./gru.ts,
 * ./loss.ts), not by tf.grad. Every method is tidy: only the tensors it returns survive, and the caller owns
 * them (dispose them, or the returned state once replaced).
 */
import { tf } from '../compute/tf.js';
import { dropoutMask, dropoutMaskRows } from './dropout.js';
import { createLayer } from './layers.js';
import { embeddingLayerGrads, innerLayerGrads } from './inputGrads.js';
import { softmaxCrossEntropy } from './loss.js';
import { dataIdOf, matMulTN, splitRows, tidy, transpose2d } from './ops.js';
import { StepInputs } from './projection.js';
import { type RecurrentLayer, SMALL_BATCH } from './recurrent.js';
import { Rng } from './rng.js';
import { type LanguageModelConfig, type LanguageModelWeights, type LayerState, type RecurrentLayerWeights, recurrentActivationOf } from './types.js';
import { checkWeightShapes, initWeights, mapWeights, validateConfig, weightEntries } from './weights.js';

export interface RunOptions {
  /** Apply dropout (training). Default false. */
  training?: boolean;
  /** Seed of the dropout masks; the same seed gives the same masks on every backend. */
  dropoutSeed?: number;
  /**
   * This batch is rows [from, from + B) of a batch of `batch` rows (data-parallel training): the dropout masks
   * are those rows of the masks the whole batch would get, so N replicas train exactly as one process does.
   */
  dropoutRows?: { batch: number; from: number };
}

export interface LossAndGrads {
  /** Mean cross-entropy over all B·T positions. */
  loss: tf.Scalar;
  /** d loss / d weight, same structure and shapes as the weights. */
  grads: LanguageModelWeights<tf.Tensor>;
  /** State after the last step, per layer (for carrying state across consecutive batches). */
  finalState: LayerState[];
}

/** Token ids [B, T] (int32; float tensors holding integers are accepted). */
export type TokenIds = tf.Tensor;

interface Pass {
  layers: RecurrentLayer[];
  /** Output of the top layer after dropout, time-major [T·B, H]. */
  top: tf.Tensor2D;
  /** Input of each layer l ≥ 1 (after dropout), time-major [T·B, H]; null for layer 0 (token ids). */
  inputs: (tf.Tensor2D | null)[];
  /** Dropout masks [T·B, H] on the input of layer l (l ≥ 1) and, at index L, on the top output. */
  masks: (tf.Tensor2D | null)[];
  finalState: LayerState[];
}

interface GenerationCache {
  keys: object[];
  layers: RecurrentLayer[];
  /** embedding·W + b of the first layer [V, G·H], when small enough (TABLE_LIMIT floats). */
  table: Float32Array | null;
}

const TABLE_LIMIT = 1 << 22;

export class LanguageModel {
  private generation: GenerationCache | null = null;

  private constructor(
    readonly config: LanguageModelConfig,
    readonly weights: LanguageModelWeights<tf.Variable>,
  ) {}

  /** A freshly initialised model (Keras initialisers, seeded in JS: same weights on every backend). */
  static init(config: LanguageModelConfig, seed = 0): LanguageModel {
    const tensors = initWeights(config, seed);
    try {
      return LanguageModel.fromWeights(config, tensors);
    } finally {
      tf.dispose(weightEntries(tensors).map(([, t]) => t));
    }
  }

  /** A model whose variables start from `tensors` (they share the data, ref-counted: the caller keeps
   * ownership of `tensors` and may dispose them at once). */
  static fromWeights(config: LanguageModelConfig, tensors: LanguageModelWeights<tf.Tensor>): LanguageModel {
    validateConfig(config);
    checkWeightShapes(config, tensors);
    const variables = mapWeights(tensors, (t) => {
      if (t.dtype === 'float32') return tf.variable(t, true);
      const cast = t.toFloat();
      const v = tf.variable(cast, true);
      cast.dispose();
      return v;
    });
    return new LanguageModel({ ...config }, variables);
  }

  /** All variables in weightEntries order. */
  variables(): tf.Variable[] {
    return weightEntries(this.weights).map(([, v]) => v);
  }

  zeroState(batch: number): LayerState[] {
    const h = this.config.hiddenSize;
    return this.weights.layers.map(() =>
      this.config.cell === 'lstm' ? { h: tf.zeros([batch, h]), c: tf.zeros([batch, h]) } : { h: tf.zeros([batch, h]) },
    );
  }

  /** Loss and hand-written gradients for one batch; x and y are [B, T] token ids. */
  lossAndGrads(x: TokenIds, y: TokenIds, state0?: LayerState[], options: RunOptions = {}): LossAndGrads {
    const { ids, batch, steps } = this.readTokens(x, 'x');
    const labels = timeMajor(this.readTokens(y, 'y', batch, steps).ids, batch, steps);
    return tidy(() => {
      const pass = this.run(ids, batch, steps, state0, options, true);
      const dense = this.weights.dense;
      const logits = tf.fused.matMul({ a: pass.top, b: dense.kernel, bias: dense.bias }) as tf.Tensor2D;
      const { loss, dLogits } = softmaxCrossEntropy(logits, labels, true);
      const dDense = { kernel: matMulTN(pass.top, dLogits!), bias: tf.sum(dLogits!, 0) };
      let dH: tf.Tensor2D = tf.matMul(dLogits!, transpose2d(dense.kernel as tf.Tensor2D));
      const layerGrads: RecurrentLayerWeights<tf.Tensor>[] = new Array(this.config.layers);
      let embedding: tf.Tensor | null = null;
      for (let l = this.config.layers - 1; l >= 0; l--) {
        const mask = pass.masks[l + 1];
        if (mask) dH = tf.mul(dH, mask);
        const { recurrentKernel, dGates } = pass.layers[l]!.backward(splitRows(dH, steps));
        const kernel = this.weights.layers[l]!.kernel as tf.Tensor2D;
        if (l > 0) {
          const input = innerLayerGrads(pass.inputs[l]!, dGates, kernel);
          layerGrads[l] = { kernel: input.kernel, recurrentKernel, bias: input.bias };
          dH = input.dInputs;
        } else {
          const emb = this.weights.embedding as tf.Tensor2D;
          const input = embeddingLayerGrads(timeMajor(ids, batch, steps), dGates, emb, kernel);
          layerGrads[l] = { kernel: input.kernel, recurrentKernel, bias: input.bias };
          embedding = input.embedding;
        }
      }
      return { loss, grads: { embedding: embedding!, layers: layerGrads, dense: dDense }, finalState: pass.finalState };
    });
  }

  /** Mean cross-entropy without gradients (validation, scoring). */
  loss(x: TokenIds, y: TokenIds, state0?: LayerState[]): { loss: tf.Scalar; finalState: LayerState[] } {
    const { ids, batch, steps } = this.readTokens(x, 'x');
    const labels = timeMajor(this.readTokens(y, 'y', batch, steps).ids, batch, steps);
    return tidy(() => {
      const pass = this.run(ids, batch, steps, state0, {}, false);
      const dense = this.weights.dense;
      const logits = tf.fused.matMul({ a: pass.top, b: dense.kernel, bias: dense.bias }) as tf.Tensor2D;
      return { loss: softmaxCrossEntropy(logits, labels, false).loss, finalState: pass.finalState };
    });
  }

  /** Logits [B, T, V] for every position, and the state after the last step. */
  forward(x: TokenIds, state0?: LayerState[]): { logits: tf.Tensor3D; state: LayerState[] } {
    const { ids, batch, steps } = this.readTokens(x, 'x');
    return tidy(() => {
      const pass = this.run(ids, batch, steps, state0, {}, false);
      const dense = this.weights.dense;
      const logits = tf.fused.matMul({ a: pass.top, b: dense.kernel, bias: dense.bias });
      const batchMajor = tf.transpose(tf.reshape(logits, [steps, batch, this.config.vocabSize]), [1, 0, 2]);
      return { logits: batchMajor as tf.Tensor3D, state: pass.finalState };
    });
  }

  /**
   * One token per sequence: logits [B, V] for the next token and the new state (O(1) per token; the
   * prepared layer weights are cached until the variables change).
   */
  step(tokens: tf.Tensor | ArrayLike<number>, state?: LayerState[]): { logits: tf.Tensor2D; state: LayerState[] } {
    const ids = Int32Array.from(tokens instanceof tf.Tensor ? tokens.dataSync() : tokens);
    const batch = ids.length;
    ids.forEach((id) => this.checkId(id, 'token'));
    const gen = this.generationCache();
    return tidy(() => {
      let x: tf.Tensor2D | null = null;
      const next: LayerState[] = [];
      gen.layers.forEach((layer, l) => {
        const s0 = this.stateFor(state, l, batch);
        let s: LayerState;
        if (l === 0 && gen.table && layer.stepProjected && batch <= SMALL_BATCH) {
          s = layer.stepProjected(pickRows(gen.table, ids, this.weights.layers[0]!.kernel.shape[1]!), s0);
        } else {
          x ??= tf.gather(this.weights.embedding, tf.tensor1d(ids, 'int32')) as tf.Tensor2D;
          s = layer.step(x, s0);
        }
        next.push(s);
        x = s.h as tf.Tensor2D;
      });
      const dense = this.weights.dense;
      const logits = tf.fused.matMul({ a: x!, b: dense.kernel, bias: dense.bias }) as tf.Tensor2D;
      return { logits, state: next };
    });
  }

  dispose(): void {
    this.dropGenerationCache();
    tf.dispose(this.variables());
  }

  /**
   * Embedding → layers → top output, time-major; `save` keeps what backward needs. Every layer gets its input
   * projected for the whole sequence before its recurrence (./projection.ts): the first layer from a table
   * embedding·W + b looked up by token id, the others from one matMul over all T·B positions.
   */
  private run(
    ids: Int32Array,
    batch: number,
    steps: number,
    state0: LayerState[] | undefined,
    options: RunOptions,
    save: boolean,
  ): Pass {
    const { layers: depth, hiddenSize: hidden, dropout } = this.config;
    const rate = options.training ? dropout : 0;
    const rng = rate > 0 ? new Rng(options.dropoutSeed ?? Math.floor(Math.random() * 2 ** 32)) : null;
    const layers: RecurrentLayer[] = [];
    const inputs: (tf.Tensor2D | null)[] = [null];
    const masks: (tf.Tensor2D | null)[] = [null];
    const finalState: LayerState[] = [];
    const activation = recurrentActivationOf(this.config);
    let x: tf.Tensor2D | null = null;
    for (let l = 0; l < depth; l++) {
      const layer = createLayer(this.config.cell, this.weights.layers[l]!, { recurrentActivation: activation });
      layers.push(layer);
      const projected = x ? projectRows(layer, x, steps, batch) : this.projectTokens(layer, ids, batch, steps);
      const out = layer.forwardProjected(projected, this.stateFor(state0, l, batch), save);
      finalState.push(out.state);
      // Inverted dropout on the layer's output [T·B, H] (input of the next layer, or of the dense layer).
      x = tf.concat(out.hs, 0);
      let mask: tf.Tensor2D | null = null;
      if (rng) {
        const rows = options.dropoutRows;
        const values = rows
          ? dropoutMaskRows(steps, rows.batch, rows.from, batch, hidden, rate, rng)
          : dropoutMask(steps * batch * hidden, rate, rng);
        mask = tf.tensor2d(values, [steps * batch, hidden]);
        x = tf.mul<tf.Tensor2D>(x, mask);
      }
      masks.push(mask);
      if (l + 1 < depth) inputs.push(x);
    }
    return { layers, top: x!, inputs, masks, finalState };
  }

  /** The first layer's projected inputs: rows of embedding·W + b per token (or, for a vocabulary larger than
   * the batch, the embedding rows of the batch times W). */
  private projectTokens(layer: RecurrentLayer, ids: Int32Array, batch: number, steps: number): StepInputs {
    const { kernel, bias } = layer.projectionWeights();
    const positions = timeMajor(ids, batch, steps);
    const embedding = this.weights.embedding as tf.Tensor2D;
    if (this.config.vocabSize <= positions.length) {
      const table = tf.fused.matMul({ a: embedding, b: kernel, bias }) as tf.Tensor2D;
      return StepInputs.fromTable(table, positions, layer.gates, steps, batch);
    }
    const rows = tf.gather(embedding, tf.tensor1d(positions, 'int32')) as tf.Tensor2D;
    return StepInputs.fromMatrix(tf.fused.matMul({ a: rows, b: kernel, bias }) as tf.Tensor2D, layer.gates, steps, batch);
  }

  private stateFor(state: LayerState[] | undefined, layer: number, batch: number): LayerState {
    const hidden = this.config.hiddenSize;
    const s = state?.[layer];
    if (!s) {
      return this.config.cell === 'lstm' ? { h: tf.zeros([batch, hidden]), c: tf.zeros([batch, hidden]) } : { h: tf.zeros([batch, hidden]) };
    }
    const ok = (t: tf.Tensor | undefined) => t && t.shape.length === 2 && t.shape[0] === batch && t.shape[1] === hidden;
    if (!ok(s.h) || (this.config.cell === 'lstm' && !ok(s.c))) {
      throw new Error(`State of layer ${layer} must be [${batch}, ${hidden}]${this.config.cell === 'lstm' ? ' for both h and c' : ''}`);
    }
    return s;
  }

  private readTokens(x: TokenIds, name: string, batch?: number, steps?: number): { ids: Int32Array; batch: number; steps: number } {
    if (x.shape.length !== 2) throw new Error(`${name} must be [batch, steps] token ids, got shape [${x.shape.join(', ')}]`);
    const [b, t] = x.shape as [number, number];
    if ((batch !== undefined && b !== batch) || (steps !== undefined && t !== steps)) {
      throw new Error(`${name} has shape [${b}, ${t}], expected [${batch}, ${steps}]`);
    }
    const raw = x.dataSync();
    const ids = raw instanceof Int32Array ? raw : Int32Array.from(raw as ArrayLike<number>);
    for (let i = 0; i < ids.length; i++) this.checkId(ids[i]!, name);
    return { ids, batch: b, steps: t };
  }

  private checkId(id: number, name: string): void {
    if (!(Number.isInteger(id) && id >= 0 && id < this.config.vocabSize)) {
      throw new Error(`${name} contains token id ${id} outside the vocabulary of ${this.config.vocabSize}`);
    }
  }

  /** Layers prepared for generation, and the first layer's embedding·W + b table; rebuilt when any
   * variable has been assigned since (tf.Variable.assign swaps the data id). */
  private generationCache(): GenerationCache {
    const keys = this.variables().map(dataIdOf);
    const cached = this.generation;
    if (cached && cached.keys.length === keys.length && cached.keys.every((k, i) => k === keys[i])) return cached;
    this.dropGenerationCache();
    const recurrentActivation = recurrentActivationOf(this.config);
    const layers = this.weights.layers.map((w) => createLayer(this.config.cell, w, { persistent: true, recurrentActivation }));
    const first = this.weights.layers[0]!;
    const small = this.config.vocabSize * first.kernel.shape[1]! <= TABLE_LIMIT;
    const table = small
      ? tidy(() => tf.add(tf.matMul(this.weights.embedding, first.kernel), first.bias).dataSync() as Float32Array)
      : null;
    this.generation = { keys, layers, table };
    return this.generation;
  }

  private dropGenerationCache(): void {
    this.generation?.layers.forEach((layer) => layer.dispose());
    this.generation = null;
  }
}

/** Rows `ids` of a row-major [V, width] table, concatenated. */
function pickRows(table: Float32Array, ids: Int32Array, width: number): Float32Array {
  const out = new Float32Array(ids.length * width);
  ids.forEach((id, row) => out.set(table.subarray(id * width, (id + 1) * width), row * width));
  return out;
}

/** A layer's inputs [T·B, in] projected for all steps in one matMul. */
function projectRows(layer: RecurrentLayer, x: tf.Tensor2D, steps: number, batch: number): StepInputs {
  const { kernel, bias } = layer.projectionWeights();
  return StepInputs.fromMatrix(tf.fused.matMul({ a: x, b: kernel, bias }) as tf.Tensor2D, layer.gates, steps, batch);
}

/** Batch-major [B, T] ids → time-major order (t, then b). */
export function timeMajor(ids: Int32Array, batch: number, steps: number): Int32Array {
  const out = new Int32Array(ids.length);
  for (let b = 0; b < batch; b++) for (let t = 0; t < steps; t++) out[t * batch + b] = ids[b * steps + t]!;
  return out;
}
