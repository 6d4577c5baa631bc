import { describe, expect, it } from 'vitest';
import {
  DOCUMENT_SEPARATOR,
  WindowSampler,
  encodeCorpus,
  evaluationBatches,
  evaluationPlan,
  splitTokens,
  stepsPerEpoch,
  trainCorpusTokenizer,
} from '../../../../src/train/lm/data.js';
import { SeededRandom } from '../../../../src/train/random.js';

const range = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('token stream', () => {
  it('joins documents with the separator and trains the vocabulary on it too', () => {
    const docs = ['ab', 'ba c'];
    const tokenizer = trainCorpusTokenizer('char', docs);
    expect(tokenizer.tokens).toContain('\n');
    const ids = encodeCorpus(tokenizer, docs);
    expect(tokenizer.decode(ids)).toBe(`ab${DOCUMENT_SEPARATOR}ba c`);
  });

  it('encodes word-level documents one by one, never merging across the separator', () => {
    const docs = ['the cat', 'the dog'];
    const tokenizer = trainCorpusTokenizer('word', docs, 50);
    expect(tokenizer.decode(encodeCorpus(tokenizer, docs))).toBe('the cat\n\nthe dog');
  });
});

describe('splitTokens', () => {
  it('cuts contiguous train / validation / test parts in proportion, the same every time', () => {
    const ids = range(1000);
    const a = splitTokens(ids, [0.9, 0.05, 0.05]);
    const b = splitTokens(ids, [0.9, 0.05, 0.05]);
    expect([a.train.length, a.validation.length, a.test.length]).toEqual([900, 50, 50]);
    expect(Array.from(a.train)).toEqual(Array.from(b.train));
    expect(a.train[899]).toBe(899);
    expect(a.validation[0]).toBe(900);
    expect(a.test[0]).toBe(950);
    expect(a.test[49]).toBe(999);
  });

  it('rounds like the peer (⌊n·0.9⌋ train) and gives a 90/10/0 split no test part', () => {
    const { train, validation, test } = splitTokens(range(1003), [0.9, 0.1, 0]);
    expect(train.length).toBe(Math.floor(1003 * 0.9));
    expect(validation.length).toBe(1003 - 902);
    expect(test.length).toBe(0);
  });

  it('covers every id exactly once for odd sizes', () => {
    for (const n of [1, 7, 99, 12345]) {
      const { train, validation, test } = splitTokens(range(n), [0.8, 0.15, 0.05]);
      expect(train.length + validation.length + test.length).toBe(n);
    }
  });

  it('refuses fractions that do not add up or leave no training data', () => {
    expect(() => splitTokens(range(10), [0.9, 0.2, 0])).toThrow(/add up to 1/);
    expect(() => splitTokens(range(10), [0, 0.5, 0.5])).toThrow(/train split cannot be empty/);
  });
});

describe('WindowSampler', () => {
  const ids = range(500);

  it('draws the same windows for the same seed, other windows for another seed', () => {
    const a = new WindowSampler(ids, 4, 8, { seed: 1 });
    const b = new WindowSampler(ids, 4, 8, { seed: 1 });
    const c = new WindowSampler(ids, 4, 8, { seed: 2 });
    const first = a.next();
    expect(Array.from(first.x)).toEqual(Array.from(b.next().x));
    expect(Array.from(first.x)).not.toEqual(Array.from(c.next().x));
  });

  it('gives windows of seq + 1 consecutive ids: y is x shifted by one', () => {
    const batch = new WindowSampler(ids, 3, 5, { seed: 9 }).next();
    for (let b = 0; b < 3; b++) {
      const x = Array.from(batch.x.subarray(b * 5, b * 5 + 5));
      const y = Array.from(batch.y.subarray(b * 5, b * 5 + 5));
      expect(x).toEqual(x.map((_, t) => x[0]! + t));
      expect(y).toEqual(x.map((v) => v + 1));
      expect(x[0]!).toBeLessThan(500 - 5 - 1);
    }
  });

  it('continues exactly from a saved state', () => {
    const straight = new WindowSampler(ids, 2, 4, { seed: 3 });
    const draws = Array.from({ length: 6 }, () => Array.from(straight.next().x));
    const first = new WindowSampler(ids, 2, 4, { seed: 3 });
    for (let i = 0; i < 3; i++) first.next();
    const resumed = new WindowSampler(ids, 2, 4, { state: first.state });
    expect(Array.from({ length: 3 }, () => Array.from(resumed.next().x))).toEqual(draws.slice(3));
  });

  it('needs at least seq + 1 ids', () => {
    expect(() => new WindowSampler(range(8), 1, 8, { seed: 0 })).toThrow(/at least/);
    expect(new WindowSampler(range(9), 1, 8, { seed: 0 }).next().y[7]).toBe(8);
  });

  it('SeededRandom state round-trips and stays in [0, 1)', () => {
    const rng = new SeededRandom(42);
    for (let i = 0; i < 1000; i++) {
      const v = rng.next();
      expect(v >= 0 && v < 1).toBe(true);
    }
    const copy = SeededRandom.fromState(rng.state);
    expect(copy.next()).toBe(rng.next());
  });

  it('counts an epoch as train tokens / (batch · seq) steps', () => {
    expect(stepsPerEpoch(1_003_854, 32, 64)).toBe(Math.ceil(1_003_854 / 2048));
    expect(stepsPerEpoch(10, 32, 64)).toBe(1);
  });
});

describe('evaluation streams', () => {
  it('reads every prediction of the split once, each stream contiguous across chunks', () => {
    const ids = range(101); // 100 predictions
    const plan = evaluationPlan(ids.length, 4, 7);
    expect(plan).toEqual({ streams: 4, length: 25, chunk: 7 });
    const seen: number[][] = [[], [], [], []];
    for (const b of evaluationBatches(ids, plan)) {
      expect(b.batch).toBe(4);
      for (let s = 0; s < 4; s++) {
        const x = Array.from(b.x.subarray(s * b.steps, (s + 1) * b.steps));
        expect(Array.from(b.y.subarray(s * b.steps, (s + 1) * b.steps))).toEqual(x.map((v) => v + 1));
        seen[s]!.push(...x);
      }
    }
    seen.forEach((xs, s) => expect(xs).toEqual(Array.from({ length: 25 }, (_, i) => s * 25 + i)));
  });

  it('like the peer with one stream: chunks of C with the last one shorter', () => {
    const plan = evaluationPlan(2500, 1, 1024);
    const steps = [...evaluationBatches(range(2500), plan)].map((b) => b.steps);
    expect(steps).toEqual([1024, 1024, 451]);
  });

  it('limits the positions read and handles splits too small to predict', () => {
    expect(evaluationPlan(1000, 8, 16, 100)).toEqual({ streams: 8, length: 12, chunk: 16 });
    expect(evaluationPlan(1, 8, 16).streams).toBe(0);
    expect(evaluationPlan(4, 8, 16)).toEqual({ streams: 3, length: 1, chunk: 16 });
  });
});
