/**
 * The decoder's step, shared by training (./train.ts, teacher forcing) and generation (../../generate/seq2seq):
 *
 *   x_t   = [embedding(y_{t−1}); h̃_{t−1}]                input feeding (h̃_{−1} = 0)
 *   s_t   = LSTM stack (inverted dropout between layers when training)
 *   α_t, ctx_t = attention(s_t, memory, coverage_t)    (./attention.ts)
 *   h̃_t   = tanh(ctx_t·Wc + s_t·Ws + b)                Luong's attentional state; logits = h̃_t·Wp + bp
 *   p_gen = σ(ctx_t·wc + s_t·ws + x_t·wx + b)          copy only; computed for all steps at once in training
 *   cov_{t+1} = cov_t + α_t                            coverage only
 *
 * The initial state is bridged from the encoder: h0 = tanh(h_enc·W + b), c0 = c_enc·W + b, per layer.
 */
import { tf } from '../../compute/tf.js';
import { type Consts, tanh } from '../ops.js';
import type { LayerState } from '../types.js';
import { type AttentionMemory, type AttentionStep, attend } from './attention.js';
import { Lstm, type StepTape } from './lstm.js';
import type { PassWeights } from './passWeights.js';
import type { Seq2seqConfig } from './types.js';

export interface DecoderState {
  layers: LayerState[];
  /** h̃ of the previous step [B, H]. */
  feed: tf.Tensor2D;
  /** Σ of earlier α [B, S], with coverage. */
  cov: tf.Tensor2D | null;
}

export interface DecoderStepOut {
  state: DecoderState;
  /** Top LSTM output s_t [B, H]. */
  s: tf.Tensor2D;
  attention: AttentionStep;
  /** h̃_t [B, H]. */
  htilde: tf.Tensor2D;
  /** The coverage the step's attention used (null without coverage). */
  cov: tf.Tensor2D | null;
}

export class DecoderCore {
  readonly lstms: Lstm[];

  constructor(
    readonly config: Seq2seqConfig,
    readonly w: PassWeights,
    readonly mem: AttentionMemory,
    readonly consts: Consts,
    persistent = false,
  ) {
    this.lstms = Array.from(
      { length: config.layers },
      (_, l) => new Lstm(w.get2d(`decoder.${l}.kernel`), w.get2d(`decoder.${l}.recurrent`), w.get(`decoder.${l}.bias`) as tf.Tensor1D, persistent),
    );
  }

  /** h0 = tanh(h_enc·W + b), c0 = c_enc·W + b for every layer; no coverage yet, zero input feed. */
  initialState(encoderFinal: LayerState[]): DecoderState {
    const layers = encoderFinal.map((s, l) => ({
      h: tanh(tf.fused.matMul({ a: s.h as tf.Tensor2D, b: this.w.get2d(`bridge.${l}.h.kernel`), bias: this.w.get(`bridge.${l}.h.bias`) }) as tf.Tensor2D, this.consts),
      c: tf.fused.matMul({ a: s.c as tf.Tensor2D, b: this.w.get2d(`bridge.${l}.c.kernel`), bias: this.w.get(`bridge.${l}.c.bias`) }),
    }));
    const batch = (encoderFinal[0]!.h as tf.Tensor2D).shape[0];
    return {
      layers,
      feed: tf.zeros([batch, this.config.hiddenSize]),
      cov: this.config.coverage ? tf.zeros([batch, this.mem.steps]) : null,
    };
  }

  /**
   * One step from the embedded previous tokens `e` [B, E]. With `tapes` (one list per layer) the LSTM steps
   * are saved for backward; `drops[l]` multiplies the input of layer l ≥ 1. `mem` overrides the memory
   * (generation keeps one per number of hypotheses).
   */
  step(
    e: tf.Tensor2D,
    state: DecoderState,
    tapes: StepTape[][] | null = null,
    drops: (tf.Tensor2D | null)[] | null = null,
    mem: AttentionMemory = this.mem,
  ): DecoderStepOut {
    const k = this.consts;
    const layers: LayerState[] = [];
    let below: tf.Tensor2D | null = null;
    this.lstms.forEach((lstm, l) => {
      let inputs: tf.Tensor2D[];
      if (l === 0) inputs = [e, state.feed];
      else {
        const drop = drops?.[l] ?? null;
        inputs = [drop ? tf.mul<tf.Tensor2D>(below!, drop) : below!];
      }
      const next = lstm.step(inputs, state.layers[l]!, k, tapes ? tapes[l]! : null);
      layers.push(next);
      below = next.h as tf.Tensor2D;
    });
    const s = below! as tf.Tensor2D;
    const attention = attend(this.config, this.w, mem, s, state.cov, k);
    const pre = tf.add<tf.Tensor2D>(tf.matMul(attention.context, this.w.get2d('output.context')), tf.fused.matMul({ a: s, b: this.w.get2d('output.state'), bias: this.w.get('output.bias') }));
    const htilde = tanh(pre, k);
    const cov = state.cov ? tf.add<tf.Tensor2D>(state.cov, attention.alpha) : null;
    return { state: { layers, feed: htilde, cov }, s, attention, htilde, cov: state.cov };
  }

  dispose(): void {
    this.lstms.forEach((lstm) => lstm.dispose());
  }
}

/** Vocabulary logits [B, V] for attentional states h̃ [B, H]. */
export function projectLogits(w: PassWeights, htilde: tf.Tensor2D): tf.Tensor2D {
  return tf.fused.matMul({ a: htilde, b: w.get2d('projection.kernel'), bias: w.get('projection.bias') }) as tf.Tensor2D;
}

/** p_gen [B, 1] = σ(ctx·wc + s·ws + e·wx + b). */
export function generationProbability(w: PassWeights, context: tf.Tensor2D, s: tf.Tensor2D, e: tf.Tensor2D): tf.Tensor2D {
  const pre = tf.addN([tf.matMul(context, w.get2d('copy.context')), tf.matMul(s, w.get2d('copy.state')), tf.matMul(e, w.get2d('copy.input'))]);
  return tf.sigmoid(tf.add<tf.Tensor2D>(pre as tf.Tensor2D, w.get('copy.bias')));
}
