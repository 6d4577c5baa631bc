/**
 * A generation session for one source: the source is encoded once; each step feeds one token per
 * hypothesis (K hypotheses share the memory, tiled once per K) and returns the log-probabilities of the
 * next token over the extended vocabulary (target vocabulary + the source's OOVs, for copying) and the
 * attention over the source. States are plain tensors the caller owns (`release`), and hypotheses are
 * reordered with `select` (beam search).
 */
import { tf } from '../../compute/tf.js';
import { makeConsts, tidy } from '../../model/ops.js';
import { type AttentionMemory, prepareMemory } from '../../model/seq2seq/attention.js';
import type { EncodedSource } from '../../model/seq2seq/codec.js';
import { DecoderCore, type DecoderState, generationProbability, projectLogits } from '../../model/seq2seq/decoder.js';
import { encode } from '../../model/seq2seq/encoder.js';
import type { Seq2seqModel } from '../../model/seq2seq/model.js';
import { PassWeights } from '../../model/seq2seq/passWeights.js';
import { embedSteps } from '../../model/seq2seq/steps.js';

export interface SessionStep {
  /** [K × (V + OOVs)] log-probabilities, row per hypothesis. */
  logProbs: Float32Array;
  /** [K × S] attention over the source. */
  alpha: Float32Array;
  state: DecoderState;
}

export class Seq2seqSession {
  readonly sourceLen: number;
  /** Width of a logProbs row: target vocabulary + the source's OOVs. */
  readonly width: number;
  private readonly w: PassWeights;
  private readonly core: DecoderCore;
  private readonly memories = new Map<number, AttentionMemory>();
  private readonly initial: DecoderState;
  private readonly table: Float32Array;
  private readonly extended: Int32Array;
  private disposed = false;

  constructor(
    readonly model: Seq2seqModel,
    readonly source: EncodedSource,
  ) {
    const config = model.config;
    if (source.ids.length === 0) throw new Error('Nothing to read: the source has no tokens');
    this.sourceLen = source.ids.length;
    this.width = config.targetVocabSize + (config.copy ? source.oovs.length : 0);
    this.extended = Int32Array.from(source.extended);
    this.w = new PassWeights(model.weights, true);
    this.table = model.weights['embedding']!.dataSync() as Float32Array;
    const sourceTable = config.sharedEmbedding ? this.table : (model.weights['source.embedding']!.dataSync() as Float32Array);
    const prepared = tidy(() => {
      const enc = encode({
        config,
        weights: model.weights,
        ids: Int32Array.from(source.ids),
        countKeys: Int32Array.from(config.copy ? source.extended : source.ids),
        lengths: Int32Array.of(source.ids.length),
        batch: 1,
        steps: this.sourceLen,
        table: sourceTable,
        consts: makeConsts(),
        save: false,
        rng: null,
      });
      const mem = prepareMemory(config, this.w, enc.memory, null);
      return { memory: mem.memory, keys: mem.keys, final: enc.final, consts: makeConsts() };
    });
    const consts = prepared.consts;
    tf.keep(consts.one);
    tf.keep(consts.two);
    this.memories.set(1, { memory: prepared.memory, keys: prepared.keys, maskBias: null, batch: 1, steps: this.sourceLen });
    this.core = new DecoderCore(config, this.w, this.memories.get(1)!, consts, true);
    this.initial = tidy(() => this.core.initialState(prepared.final));
    tf.dispose(prepared.final.flatMap((s) => [s.h, s.c!]));
  }

  /** The state before the first token, for one hypothesis (the caller owns it). */
  start(): DecoderState {
    return tidy(() => cloneState(this.initial));
  }

  /** Feeds one token per hypothesis (extended ids are read as `<unk>`). */
  step(tokens: readonly number[], state: DecoderState): SessionStep {
    const config = this.model.config;
    const k = tokens.length;
    const vocab = config.targetVocabSize;
    const ids = Int32Array.from(tokens, (id) => (id >= vocab ? config.specials.unk : id));
    const mem = this.memory(k);
    const out = tidy(() => {
      const [e] = embedSteps(this.table, config.embedDim, ids, k, 1) as [tf.Tensor2D];
      const step = this.core.step(e, state, null, null, mem);
      const logits = projectLogits(this.w, step.htilde);
      const gen = config.copy ? generationProbability(this.w, step.attention.context, step.s, e) : null;
      return { state: step.state, probs: config.copy ? tf.softmax(logits) : tf.logSoftmax(logits), alpha: step.attention.alpha, gen };
    });
    const alpha = out.alpha.dataSync() as Float32Array;
    const probs = out.probs.dataSync() as Float32Array;
    const gen = out.gen ? (out.gen.dataSync() as Float32Array) : null;
    tf.dispose([out.probs, out.alpha, ...(out.gen ? [out.gen] : [])]);
    let logProbs: Float32Array;
    if (!gen) logProbs = probs;
    else {
      logProbs = new Float32Array(k * this.width);
      const s = this.sourceLen;
      for (let row = 0; row < k; row++) {
        const g = gen[row]!;
        const base = row * this.width;
        for (let v = 0; v < vocab; v++) logProbs[base + v] = g * probs[row * vocab + v]!;
        for (let j = 0; j < s; j++) {
          const at = base + this.extended[j]!;
          logProbs[at] = logProbs[at]! + (1 - g) * alpha[row * s + j]!;
        }
        for (let v = 0; v < this.width; v++) logProbs[base + v] = Math.log(logProbs[base + v]! + 1e-12);
      }
    }
    return { logProbs, alpha, state: out.state };
  }

  /** A state made of the given rows of `state` (the caller still owns `state`). */
  select(state: DecoderState, rows: readonly number[]): DecoderState {
    return tidy(() => {
      const index = tf.tensor1d(Int32Array.from(rows), 'int32');
      const pick = <T extends tf.Tensor>(t: T) => tf.gather(t, index) as T;
      return {
        layers: state.layers.map((l) => ({ h: pick(l.h), c: pick(l.c!) })),
        feed: pick(state.feed),
        cov: state.cov ? pick(state.cov) : null,
      };
    });
  }

  release(state: DecoderState): void {
    tf.dispose([...state.layers.flatMap((l) => [l.h, l.c!]), state.feed, ...(state.cov ? [state.cov] : [])]);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.release(this.initial);
    for (const mem of this.memories.values()) tf.dispose([mem.memory, ...(mem.keys ? [mem.keys] : [])]);
    this.memories.clear();
    this.core.dispose();
    tf.dispose([this.core.consts.one, this.core.consts.two]);
    this.w.dispose();
  }

  /** The memory tiled for k hypotheses (kept until the session ends). */
  private memory(k: number): AttentionMemory {
    let mem = this.memories.get(k);
    if (!mem) {
      const one = this.memories.get(1)!;
      mem = {
        memory: tf.keep(tf.tile(one.memory, [k, 1, 1])),
        keys: one.keys ? tf.keep(tf.tile(one.keys, [k, 1, 1])) : null,
        maskBias: null,
        batch: k,
        steps: this.sourceLen,
      };
      this.memories.set(k, mem);
    }
    return mem;
  }
}

function cloneState(state: DecoderState): DecoderState {
  return {
    layers: state.layers.map((l) => ({ h: tf.clone(l.h), c: tf.clone(l.c!) })),
    feed: tf.clone(state.feed),
    cov: state.cov ? tf.clone(state.cov) : null,
  };
}
