/**
 * The weights as one pass (a training step, or a generation session) sees them, with the transposes its
 * backward steps need made once and reused: a matMul with transpose flags is slow on wasm, and a transpose
 * per step would cost as much as the matMul (docs/performance.md, "LSTM engine").
 *
 * Derived tensors belong to the current tf.tidy scope unless `persistent`; then the owner calls dispose().
 * A pass must not outlive an update of the weights (the transposes would be stale).
 */
import { tf } from '../../compute/tf.js';
import { transpose2d } from '../ops.js';
import type { Weights } from './types.js';

export class PassWeights {
  private readonly transposes = new Map<string, tf.Tensor2D>();

  constructor(
    readonly weights: Weights,
    private readonly persistent = false,
  ) {}

  get(name: string): tf.Tensor {
    const t = this.weights[name];
    if (!t) throw new Error(`Seq2seq model has no weight ${name}`);
    return t;
  }

  get2d(name: string): tf.Tensor2D {
    return this.get(name) as tf.Tensor2D;
  }

  has(name: string): boolean {
    return name in this.weights;
  }

  /** The weight's transpose (2-D weights only), made once per pass. */
  t(name: string): tf.Tensor2D {
    let t = this.transposes.get(name);
    if (!t) {
      t = transpose2d(this.get2d(name));
      if (this.persistent) tf.keep(t);
      this.transposes.set(name, t);
    }
    return t;
  }

  dispose(): void {
    tf.dispose([...this.transposes.values()]);
    this.transposes.clear();
  }
}
