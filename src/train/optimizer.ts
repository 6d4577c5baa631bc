/**
 * Adam with explicit, named slots (first and second moments per variable, and the step count), so that
 * optimizer state can be saved in a checkpoint and restored for a bit-exact resume. Same update as PyTorch
 * and tf.train.adam: m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ), p ← p − lr · m̂ / (√v̂ + ε).
 */
import { tf } from '../compute/tf.js';

export interface AdamOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** The Adam settings every trainer uses (PyTorch's; Keras's ε is 1e-7). */
export const ADAM: AdamOptions = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/** An optimizer as a checkpoint holds it: its name, hyper-parameters and named state tensors. */
export interface CheckpointOptimizer {
  name: string;
  hyper: Record<string, unknown>;
  state: { name: string; tensor: tf.Tensor }[];
}

/**
 * Writes a checkpoint with a trainer's Adam state: `write` gets the optimizer section (Adam's hyper-parameters,
 * the step, copies of the slots), and the copies are freed afterwards, whatever happened.
 */
export async function withAdamSection<T>(
  state: OptimizerState,
  settings: { lr: number; clip: number },
  write: (optimizer: CheckpointOptimizer) => Promise<T>,
): Promise<T> {
  try {
    return await write({ name: 'adam', hyper: { learningRate: settings.lr, ...ADAM, clipNorm: settings.clip, step: state.step }, state: state.tensors });
  } finally {
    tf.dispose(state.tensors.map((t) => t.tensor));
  }
}

/** The Adam state a loaded checkpoint holds, or why it holds none. */
export function adamStateOf(optimizer: CheckpointOptimizer | null | undefined): OptimizerState | string {
  const step = optimizer?.hyper.step;
  if (!optimizer || optimizer.name !== 'adam' || typeof step !== 'number') return 'it holds no Adam optimiser state';
  return { kind: 'adam', step, tensors: optimizer.state };
}

/** Optimizer state as named tensors: `adam/m/<weight>` and `adam/v/<weight>` for every weight. */
export interface OptimizerState {
  kind: 'adam';
  /** Updates applied so far (t in the bias corrections). */
  step: number;
  tensors: { name: string; tensor: tf.Tensor }[];
}

export class Adam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  constructor(
    private readonly variables: tf.Variable[],
    private readonly names: string[],
    private readonly options: AdamOptions,
  ) {
    if (names.length !== variables.length) throw new Error('Adam: one name per variable');
    this.m = variables.map((x) => zeroSlot(x));
    this.v = variables.map((x) => zeroSlot(x));
  }

  get step(): number {
    return this.t;
  }

  /** One update from `grads` (in variable order), each multiplied by `gradScale` first (clipping). */
  apply(grads: tf.Tensor[], lr: number, gradScale = 1): void {
    const { beta1, beta2, epsilon } = this.options;
    const t = this.t + 1;
    tf.tidy(() => {
      const b1 = tf.scalar(beta1);
      const b2 = tf.scalar(beta2);
      const g1 = tf.scalar((1 - beta1) * gradScale);
      const g2 = tf.scalar((1 - beta2) * gradScale * gradScale);
      // lr·m̂ / (√v̂ + ε) = (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
      const stepSize = tf.scalar(-lr / (1 - beta1 ** t));
      const vScale = tf.scalar(1 / Math.sqrt(1 - beta2 ** t));
      const eps = tf.scalar(epsilon);
      this.variables.forEach((variable, i) => {
        const g = grads[i]!;
        const m = tf.add(tf.mul(this.m[i]!, b1), tf.mul(g, g1));
        const v = tf.add(tf.mul(this.v[i]!, b2), tf.mul(tf.square(g), g2));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
        const update = tf.div(tf.mul(m, stepSize), tf.add(tf.mul(tf.sqrt(v), vScale), eps));
        variable.assign(tf.add(variable, update));
      });
    });
    this.t = t;
  }

  /** Copies of the slots (the caller owns the tensors). */
  exportState(): OptimizerState {
    const tensors = this.names.flatMap((name, i) => [
      { name: `adam/m/${name}`, tensor: this.m[i]!.clone() },
      { name: `adam/v/${name}`, tensor: this.v[i]!.clone() },
    ]);
    return { kind: 'adam', step: this.t, tensors };
  }

  /** Restores slots exported by exportState (copied; the caller keeps its tensors). */
  importState(state: OptimizerState): void {
    if (state.kind !== 'adam') throw new Error(`Optimizer state is for ${String(state.kind)}, not adam`);
    if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`Optimizer state has a bad step ${state.step}`);
    const byName = new Map(state.tensors.map((e) => [e.name, e.tensor]));
    const pick = (slot: 'm' | 'v', i: number) => {
      const name = `adam/${slot}/${this.names[i]!}`;
      const tensor = byName.get(name);
      if (!tensor) throw new Error(`Optimizer state lacks ${name}`);
      const expected = this.variables[i]!.shape;
      if (tensor.shape.length !== expected.length || tensor.shape.some((d, k) => d !== expected[k])) {
        throw new Error(`Optimizer state ${name} has shape [${tensor.shape.join(', ')}], expected [${expected.join(', ')}]`);
      }
      return tensor;
    };
    // Check everything before changing anything.
    const m = this.names.map((_, i) => pick('m', i));
    const v = this.names.map((_, i) => pick('v', i));
    tf.tidy(() => {
      m.forEach((tensor, i) => this.m[i]!.assign(tf.cast(tensor, 'float32').clone()));
      v.forEach((tensor, i) => this.v[i]!.assign(tf.cast(tensor, 'float32').clone()));
    });
    this.t = state.step;
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}

/** A zero slot shaped like `x`; the zeros tensor a variable is made from is a tensor of its own, so it is freed. */
function zeroSlot(x: tf.Tensor): tf.Variable {
  const zeros = tf.zerosLike(x);
  const slot = tf.variable(zeros, false);
  zeros.dispose();
  return slot;
}
