import { describe, expect, it } from 'vitest';
import { bitsPerUnit, NllAccumulator, nllFromPerplexity, perplexity, summariseNll } from '../../../src/eval/perplexity.js';

describe('perplexity helpers', () => {
  it('converts mean NLL in nats', () => {
    // ln 2 nats = 1 bit = perplexity 2; 2 nats = e² ≈ 7.389 = 2/ln 2 ≈ 2.885 bits.
    expect(perplexity(Math.LN2)).toBeCloseTo(2, 12);
    expect(bitsPerUnit(Math.LN2)).toBeCloseTo(1, 12);
    expect(perplexity(2)).toBeCloseTo(7.38905609893065, 12);
    expect(bitsPerUnit(2)).toBeCloseTo(2.8853900817779268, 12);
    expect(nllFromPerplexity(perplexity(1.234))).toBeCloseTo(1.234, 12);
    expect(perplexity(0)).toBe(1);
  });

  it('summarises totals per token and per character', () => {
    // 100 word tokens covering 500 characters, total NLL 400 nats: 4 nats/token, 0.8 nats/char.
    const s = summariseNll({ totalNllNats: 400, tokens: 100, characters: 500 });
    expect(s.meanNllNats).toBe(4);
    expect(s.perplexity).toBeCloseTo(Math.exp(4), 10);
    expect(s.bitsPerToken).toBeCloseTo(4 / Math.LN2, 10);
    expect(s.bitsPerChar).toBeCloseTo(0.8 / Math.LN2, 10);
    expect(s.charPerplexity).toBeCloseTo(Math.exp(0.8), 10);
    expect(summariseNll({ totalNllNats: 1, tokens: 1 }).bitsPerChar).toBeUndefined();
    expect(() => summariseNll({ totalNllNats: 1, tokens: 0 })).toThrow(/0 tokens/);
  });

  it('accumulates batches', () => {
    const acc = new NllAccumulator();
    acc.add(10, 5, 20);
    acc.add(20, 5, 20);
    expect(acc.summary().meanNllNats).toBe(3);
    expect(acc.summary().bitsPerChar).toBeCloseTo(0.75 / Math.LN2, 12);
    expect(() => acc.add(Number.NaN, 1)).toThrow(/finite/);
  });
});
