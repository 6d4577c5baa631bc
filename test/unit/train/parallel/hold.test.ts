/**
 * Generation before training: while the app's worker thread generates, it holds its training job's replica threads
 * (src/train/generationFirst.ts). A held step does not finish — the replicas wait at their next time step —
 * and finishes when released, with the very numbers of a step never held. Holds nest.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LanguageModel } from '../../../../src/model/languageModel.js';
import { createTrainer } from '../../../../src/train/lm/step.js';
import { dataParallelLm } from '../../../../src/train/parallel/coordinator.js';
import { betweenBatches, holdTraining } from '../../../../src/train/generationFirst.js';
import { SharedGradients } from '../../../../src/train/parallel/sharedGradients.js';
import { useBackend } from '../../../helpers/tf.js';

const settings = { lr: 0.01, clip: 5, seed: 0 };
const [batch, steps, vocab] = [8, 24, 20];

function tokens(seed: number) {
  const x = new Int32Array(batch * steps);
  const y = new Int32Array(batch * steps);
  for (let k = 0; k < x.length; k++) {
    x[k] = (k * 7 + seed) % vocab;
    y[k] = (k * 7 + seed + 1) % vocab;
  }
  return { x, y, batch, steps };
}

async function trainer() {
  const model = LanguageModel.init({ vocabSize: vocab, embedDim: 8, hiddenSize: 32, layers: 1, cell: 'lstm', dropout: 0 }, 0);
  const own = createTrainer(model, { optimizer: 'adam', lr: settings.lr, clipNorm: settings.clip });
  const parallel = await dataParallelLm(own, 2, settings, { keepThreadFree: true });
  return { model, parallel };
}

const settled = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.map((stop) => stop()));
  stops = [];
});

describe('holding the replicas while the worker generates', () => {
  it('a held step waits for the release and then computes what an unheld one does', async () => {
    await useBackend('cpu');
    const reference = await trainer();
    const held = await trainer();
    stops.push(() => reference.parallel.stop(), () => held.parallel.stop());
    expect(held.parallel.replicas).toBe(2);

    const expected = [(await reference.parallel.step(tokens(1), settings.lr)).loss, (await reference.parallel.step(tokens(2), settings.lr)).loss];
    const first = (await held.parallel.step(tokens(1), settings.lr)).loss;

    const release = holdTraining();
    const second = held.parallel.step(tokens(2), settings.lr);
    expect(await settled(second, 400)).toBe(false);
    const nested = holdTraining();
    release();
    expect(await settled(second, 200)).toBe(false);
    nested();
    expect(await settled(second, 10_000)).toBe(true);
    expect([first, (await second).loss]).toEqual(expected);
    expect(expected[1]).toBeLessThan(expected[0]!);
  });
});

describe('evaluation on the generating thread', () => {
  it('takes its next batch only when no generation runs', async () => {
    await betweenBatches(); // nothing generating: the next turn
    const first = holdTraining();
    const second = holdTraining();
    let next = false;
    const waiting = betweenBatches().then(() => (next = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    first();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(next).toBe(false);
    second();
    await waiting;
    expect(next).toBe(true);
  });
});

describe('SharedGradients holds', () => {
  it('nest, release once each, and an abort ends a wait', () => {
    const shared = SharedGradients.create(2, 4);
    const a = shared.hold();
    const b = shared.hold();
    a();
    a();
    expect(shared.held).toBe(true);
    b();
    expect(shared.held).toBe(false);
    shared.waitWhileHeld();
    shared.hold();
    shared.abort();
    expect(() => shared.waitWhileHeld()).toThrow('a training replica stopped');
  });
});
