import { describe, expect, it } from 'vitest';
import { Run } from '../../../src/contract/index.js';
import { contractConfig, toRun } from '../../../src/service/mapping.js';
import { runProgressOf } from '../../../src/train/recorder.js';
import type { RunRow } from '../../../src/store/index.js';

const row = (config: Record<string, unknown>, kind: 'lm' | 'seq2seq' = 'lm'): RunRow => ({
  id: 1,
  kind,
  name: 'r',
  corpusId: null,
  config,
  status: 'finished',
  backend: null,
  createdAt: 't',
  startedAt: null,
  finishedAt: null,
  updatedAt: 't',
  error: null,
});

describe('contractConfig', () => {
  it('passes a valid config through', () => {
    const config = { level: 'char', embed: 64, hidden: 256, layers: 2, cell: 'lstm', seq: 128, batch: 32, lr: 0.002, dropout: 0.1, budget: { epochs: 5 } };
    expect(contractConfig('lm', config)).toEqual(config);
  });

  it('repairs what does not fit (an imported tiny model, a field from another version) so listings never break', () => {
    const out = contractConfig('lm', { embed: 4, hidden: 5, layers: 2, cell: 'lstm', level: 'char', vocabSize: 12, dropout: 0.1, budget: { steps: 1 } });
    expect(out.hidden).toBe(8);
    expect(out.embed).toBe(4);
    expect(out.vocabSize).toBe(16);
    expect(() => Run.parse(toRun(row(out), null))).not.toThrow();
    expect(() => Run.parse(toRun(row({ nonsense: true }), null))).not.toThrow();
    expect(() => Run.parse(toRun(row({}, 'seq2seq'), null))).not.toThrow();
  });
});

describe('runProgressOf', () => {
  it('reads stored progress or gives null for anything unreadable', () => {
    const progress = { step: 3, totalSteps: null, epoch: null, trainLoss: 1, valLoss: null, bestValLoss: null, tokensPerSec: 10, elapsedSeconds: 1, etaSeconds: null };
    expect(runProgressOf(progress)).toEqual(progress);
    expect(runProgressOf({ step: -1 })).toBeNull();
    expect(runProgressOf(null)).toBeNull();
  });
});
