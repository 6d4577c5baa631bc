/**
 * The memory replicas share (one SharedArrayBuffer) and the all-reduce through it: every replica writes its
 * weighted gradients into its own slot, waits at a barrier, sums one 1/N chunk of the parameters over all slots
 * (a reduce-scatter: O(P) work per replica instead of O(N·P)), waits again, and reads the whole sum. Each chunk is
 * summed by one replica in slot order 0…N−1, so every replica reads the very same numbers and applies the very
 * same update: the replicas stay identical without ever sending weights.
 *
 * Layout: a control block (Int32: arrivals, barrier generation, abort flag, holds — ../generationFirst.ts),
 * per-replica scalars (Float64: weighted loss, weighted auxiliary loss — seq2seq's coverage term —, sum of squares
 * of its chunk), N gradient slots and the result (Float32, P each).
 *
 * When is a region safe to reuse? Slots are written before barrier 1 and read between barriers 1 and 2; the result
 * and the chunk norms are written between 1 and 2 and read after 2; losses are written before 1 and read between
 * 1 and 2. No replica writes a region of step k+1 before every replica has finished reading it at step k.
 */

const ARRIVED = 0;
const GENERATION = 1;
const ABORTED = 2;
/** How many generation calls are holding the replicas (they wait at their next pause point while it is not 0). */
const HOLDS = 3;
const CONTROL_INTS = 4;
/** Per replica: weighted loss, weighted auxiliary loss, its chunk's sum of squares. */
const SCALARS = 3;
/** A waiter re-checks the abort flag at least this often (a dead replica cannot wake it). */
const WAIT_SLICE_MS = 500;

/** Atomics.waitAsync (ES2024; Node ≥ 16 has it, TypeScript's ES2023 lib does not declare it). */
type WaitAsync = (array: Int32Array, index: number, value: number, timeout?: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

export class ReplicaAbortedError extends Error {
  override name = 'ReplicaAbortedError';
}

/** What a replica needs to attach to the shared memory (structured-cloneable: the buffer is shared, not copied). */
export interface SharedGradientsInit {
  buffer: SharedArrayBuffer;
  replicas: number;
  parameters: number;
}

export class SharedGradients {
  readonly replicas: number;
  readonly parameters: number;
  private readonly control: Int32Array;
  private readonly scalars: Float64Array;
  private readonly slots: Float32Array[];
  private readonly result: Float32Array;

  constructor(readonly init: SharedGradientsInit) {
    const { buffer, replicas, parameters } = init;
    this.replicas = replicas;
    this.parameters = parameters;
    this.control = new Int32Array(buffer, 0, CONTROL_INTS);
    const scalarsAt = CONTROL_INTS * 4;
    this.scalars = new Float64Array(buffer, scalarsAt, SCALARS * replicas);
    const slotsAt = scalarsAt + 8 * SCALARS * replicas;
    this.slots = Array.from({ length: replicas }, (_, r) => new Float32Array(buffer, slotsAt + r * parameters * 4, parameters));
    this.result = new Float32Array(buffer, slotsAt + replicas * parameters * 4, parameters);
  }

  static create(replicas: number, parameters: number): SharedGradients {
    if (!(Number.isInteger(replicas) && replicas >= 1 && Number.isInteger(parameters) && parameters >= 1)) {
      throw new RangeError(`bad shared-gradient shape: ${replicas} replicas × ${parameters} parameters`);
    }
    const bytes = CONTROL_INTS * 4 + 8 * SCALARS * replicas + (replicas + 1) * parameters * 4;
    return new SharedGradients({ buffer: new SharedArrayBuffer(bytes), replicas, parameters });
  }

  /** Replica `r`'s gradient slot (it writes its weighted gradients here before the first barrier). */
  slot(r: number): Float32Array {
    return this.slots[r]!;
  }

  /** The summed gradients (read after the second barrier). */
  get sum(): Float32Array {
    return this.result;
  }

  setLoss(r: number, weightedLoss: number, weightedAux = 0): void {
    this.scalars[SCALARS * r] = weightedLoss;
    this.scalars[SCALARS * r + 1] = weightedAux;
  }

  /** The batch's losses: the replicas' weighted ones summed in replica order (read between the barriers). */
  loss(): { loss: number; aux: number } {
    let loss = 0;
    let aux = 0;
    for (let r = 0; r < this.replicas; r++) {
      loss += this.scalars[SCALARS * r]!;
      aux += this.scalars[SCALARS * r + 1]!;
    }
    return { loss, aux };
  }

  /** Sums replica `r`'s chunk of every slot into the result, and records the chunk's sum of squares. */
  reduceChunk(r: number): void {
    const [from, to] = chunkOf(r, this.replicas, this.parameters);
    const slots = this.slots;
    const out = this.result;
    let squares = 0;
    for (let k = from; k < to; k++) {
      let s = 0;
      for (let q = 0; q < slots.length; q++) s += slots[q]![k]!;
      out[k] = s;
      const rounded = out[k]!;
      squares += rounded * rounded;
    }
    this.scalars[SCALARS * r + 2] = squares;
  }

  /** The global L2 norm of the summed gradients (read after the second barrier). */
  norm(): number {
    let squares = 0;
    for (let r = 0; r < this.replicas; r++) squares += this.scalars[SCALARS * r + 2]!;
    return Math.sqrt(squares);
  }

  /** Waits, blocking the thread, until every replica has arrived (replica threads). */
  arriveSync(): void {
    const gen = this.arrival();
    if (gen === null) return;
    while (Atomics.load(this.control, GENERATION) === gen) {
      this.throwIfAborted();
      Atomics.wait(this.control, GENERATION, gen, WAIT_SLICE_MS);
    }
    this.throwIfAborted();
  }

  /** Waits without blocking the event loop (the coordinator: it must still hear a replica die). */
  async arrive(): Promise<void> {
    const gen = this.arrival();
    if (gen === null) return;
    while (Atomics.load(this.control, GENERATION) === gen) {
      this.throwIfAborted();
      const waited = waitAsync(this.control, GENERATION, gen, WAIT_SLICE_MS);
      if (waited.async) await waited.value;
    }
    this.throwIfAborted();
  }

  /** Stops every replica at its next wait (one failed or died). */
  abort(): void {
    Atomics.store(this.control, ABORTED, 1);
    Atomics.notify(this.control, GENERATION);
    Atomics.notify(this.control, HOLDS);
  }

  /**
   * Asks the replicas to wait at their next pause point (every time step: src/compute/pausePoint.ts) until the
   * returned release is called (holds nest: the replicas go on when the last is released).
   */
  hold(): () => void {
    Atomics.add(this.control, HOLDS, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (Atomics.sub(this.control, HOLDS, 1) === 1) Atomics.notify(this.control, HOLDS);
    };
  }

  get held(): boolean {
    return Atomics.load(this.control, HOLDS) > 0;
  }

  /** Blocks while held (a replica thread's pause point); throws if the set was aborted meanwhile. */
  waitWhileHeld(): void {
    for (let holds = Atomics.load(this.control, HOLDS); holds > 0; holds = Atomics.load(this.control, HOLDS)) {
      this.throwIfAborted();
      Atomics.wait(this.control, HOLDS, holds, WAIT_SLICE_MS);
    }
  }

  get aborted(): boolean {
    return Atomics.load(this.control, ABORTED) === 1;
  }

  /** Counts this replica in; the last one opens the barrier (returns null), the others get the generation to wait on. */
  private arrival(): number | null {
    this.throwIfAborted();
    const gen = Atomics.load(this.control, GENERATION);
    if (Atomics.add(this.control, ARRIVED, 1) === this.replicas - 1) {
      Atomics.store(this.control, ARRIVED, 0);
      Atomics.add(this.control, GENERATION, 1);
      Atomics.notify(this.control, GENERATION);
      return null;
    }
    return gen;
  }

  private throwIfAborted(): void {
    if (this.aborted) throw new ReplicaAbortedError('a training replica stopped');
  }
}

/** The parameters [from, to) replica `r` of `n` sums. */
export function chunkOf(r: number, n: number, parameters: number): [number, number] {
  return [Math.floor((r * parameters) / n), Math.floor(((r + 1) * parameters) / n)];
}
