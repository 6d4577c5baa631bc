/**
 * The pieces of data parallelism: skipping a random stream, a replica's rows of a dropout mask, how rows are
 * shared, the all-reduce through shared memory (summed in a fixed order, the same numbers for everyone), and a
 * replica thread that dies (the coordinator's step fails with its reason instead of waiting for ever).
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { dropoutMask, dropoutMaskRows } from '../../../../src/model/dropout.js';
import { Rng } from '../../../../src/model/rng.js';
import { replicasFor, sharesOf } from '../../../../src/train/parallel/shares.js';
import { ReplicaAbortedError, SharedGradients, chunkOf } from '../../../../src/train/parallel/sharedGradients.js';

describe('Rng.skip', () => {
  // mulberry32's state is a counter mod 2³², so 2³² + 5 draws land where 5 do.
  it.each([0, 1, 7, 1000, 2 ** 32 + 5])('skipping %d draws lands where drawing them does', (n) => {
    const drawn = new Rng(42);
    const skipped = new Rng(42);
    for (let i = 0; i < n % 2 ** 32; i++) drawn.next();
    skipped.skip(n);
    expect(skipped.next()).toBe(drawn.next());
  });
});

describe('dropoutMaskRows', () => {
  it.each([
    [0, 3],
    [3, 2],
    [5, 3],
  ])('rows [%d, +%d) of a batch of 8 are those rows of the whole mask, and the stream ends where it would', (from, count) => {
    const [steps, batch, width] = [4, 8, 5];
    const whole = dropoutMask(steps * batch * width, 0.3, new Rng(9));
    const rng = new Rng(9);
    const part = dropoutMaskRows(steps, batch, from, count, width, 0.3, rng);
    const expected: number[] = [];
    for (let t = 0; t < steps; t++) expected.push(...whole.subarray((t * batch + from) * width, (t * batch + from + count) * width));
    expect(Array.from(part)).toEqual(expected);
    const after = new Rng(9);
    after.skip(steps * batch * width);
    expect(rng.next()).toBe(after.next());
  });
});

describe('sharing rows', () => {
  it.each([
    [32, 2, [16, 16]],
    [10, 3, [4, 3, 3]],
    [2, 3, [1, 1, 0]],
  ])('a batch of %d on %d replicas', (batch, replicas, rows) => {
    const shares = sharesOf(batch, replicas);
    expect(shares.map((s) => s.rows)).toEqual(rows);
    expect(shares.map((s) => s.from)).toEqual(rows.map((_, i) => rows.slice(0, i).reduce((a, b) => a + b, 0)));
  });

  it.each([
    [2, 32, 2],
    [16, 32, 4],
    [4, 8, 1],
    [1, 1024, 1],
  ])('%d threads with a batch of %d use %d replicas', (threads, batch, replicas) => {
    expect(replicasFor(threads, batch)).toBe(replicas);
  });
});

/** A replica thread that contributes `values` (weight 1) and reduces its chunk, in shared memory with the test. */
const replicaSource = `
  const { parentPort, workerData } = require('node:worker_threads');
  const { buffer, replicas, parameters, replica, values, die } = workerData;
  const control = new Int32Array(buffer, 0, 4);
  const scalars = new Float64Array(buffer, 16, 3 * replicas);
  const slotsAt = 16 + 24 * replicas;
  const slot = new Float32Array(buffer, slotsAt + replica * parameters * 4, parameters);
  if (die) process.exit(3);
  slot.set(values);
  scalars[3 * replica] = values.length;
  const arrive = () => {
    const gen = Atomics.load(control, 1);
    if (Atomics.add(control, 0, 1) === replicas - 1) { Atomics.store(control, 0, 0); Atomics.add(control, 1, 1); Atomics.notify(control, 1); return; }
    while (Atomics.load(control, 1) === gen) Atomics.wait(control, 1, gen, 500);
  };
  arrive();
  const from = Math.floor((replica * parameters) / replicas), to = Math.floor(((replica + 1) * parameters) / replicas);
  const result = new Float32Array(buffer, slotsAt + replicas * parameters * 4, parameters);
  let squares = 0;
  for (let k = from; k < to; k++) { let s = 0; for (let q = 0; q < replicas; q++) s += new Float32Array(buffer, slotsAt + q * parameters * 4, parameters)[k]; result[k] = s; squares += result[k] * result[k]; }
  scalars[3 * replica + 2] = squares;
  arrive();
  parentPort.postMessage(Array.from(result));
`;

describe('SharedGradients', () => {
  it('sums every slot over real threads: each reads the same sum, norm and loss', async () => {
    const [replicas, parameters] = [3, 10];
    const shared = SharedGradients.create(replicas, parameters);
    const values = (r: number) => Array.from({ length: parameters }, (_, k) => (r + 1) * 0.5 + k);
    const workers = [1, 2].map(
      (r) => new Worker(replicaSource, { eval: true, workerData: { ...shared.init, replica: r, values: values(r), die: false } }),
    );
    const seen = workers.map((w) => new Promise<number[]>((resolve) => w.once('message', resolve)));
    shared.slot(0).set(values(0));
    shared.setLoss(0, 1);
    await shared.arrive();
    expect(shared.loss().loss).toBe(1 + 2 * parameters);
    shared.reduceChunk(0);
    await shared.arrive();
    const expected = Array.from({ length: parameters }, (_, k) => values(0)[k]! + values(1)[k]! + values(2)[k]!);
    expect(Array.from(shared.sum)).toEqual(expected);
    expect(await Promise.all(seen)).toEqual([expected, expected]);
    expect(shared.norm()).toBeCloseTo(Math.hypot(...expected), 4);
    expect(chunkOf(2, 3, 10)).toEqual([6, 10]);
    await Promise.all(workers.map((w) => w.terminate()));
  });

  it('an abort (a replica died) ends the wait of everyone at the barrier', async () => {
    const shared = SharedGradients.create(2, 4);
    const worker = new Worker(replicaSource, { eval: true, workerData: { ...shared.init, replica: 1, values: [1, 2, 3, 4], die: true } });
    worker.once('exit', () => shared.abort());
    await expect(shared.arrive()).rejects.toBeInstanceOf(ReplicaAbortedError);
  });
});
