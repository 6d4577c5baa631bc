import { describe, expect, it } from 'vitest';
import { LmConfig, Seq2seqConfig } from '../../../src/contract/index.js';
import { LM_DEFAULTS, SEQ2SEQ_DEFAULTS, SettingsError, resolveLmConfig, resolveSeq2seqConfig, splitOf } from '../../../src/train/config.js';

const pairs = { kind: 'file', path: '/tmp/pairs.jsonl' } as const;

describe('training settings', () => {
  it('language models default to the standard size with the tuned schedule', () => {
    const c = resolveLmConfig();
    expect(c).toMatchObject({
      level: 'char',
      embed: 64,
      hidden: 256,
      layers: 1,
      cell: 'lstm',
      seq: 64,
      batch: 32,
      dropout: 0,
      clip: 5,
      init: 'torch',
      lr: 1.2e-2,
      warmupSteps: 100,
      decay: 'cosine',
      minLrFraction: 0.02,
      validationFraction: 0.05,
      testFraction: 0.05,
    });
    expect(splitOf(c)).toEqual([0.9, 0.05, 0.05]);
  });

  it('resolve to complete settings in the contract’s own shape, so a stored config is one', () => {
    const lm = resolveLmConfig({ hidden: 128 });
    expect(LmConfig.parse(lm)).toEqual(lm);
    expect(Object.keys(lm).sort()).toEqual(Object.keys(LM_DEFAULTS).sort());
    const s2s = resolveSeq2seqConfig({ task: 'dialogue', pairs });
    expect(Seq2seqConfig.parse(s2s)).toEqual(s2s);
    expect(s2s).toMatchObject({ ...SEQ2SEQ_DEFAULTS.dialogue, task: 'dialogue', pairs });
  });

  it('override the defaults, ignoring undefined values; seq2seq defaults follow the task', () => {
    const c = resolveLmConfig({ hidden: 128, lr: undefined });
    expect(c.hidden).toBe(128);
    expect(c.lr).toBe(LM_DEFAULTS.lr);
    expect(resolveSeq2seqConfig({ task: 'summarize', pairs })).toMatchObject({ copy: true, maxSourceLen: 400, batch: 16 });
    expect(resolveSeq2seqConfig({ task: 'dialogue', pairs })).toMatchObject({ copy: false, maxSourceLen: 40, batch: 32 });
    expect(resolveLmConfig({ budget: { epochs: 0.5 } }).budget).toEqual({ epochs: 0.5 });
  });

  it('refuse what the contract refuses, with one line naming the setting', () => {
    const refused = (given: unknown, pattern: RegExp) => {
      expect(() => resolveLmConfig(given)).toThrow(SettingsError);
      expect(() => resolveLmConfig(given)).toThrow(pattern);
    };
    refused({ hidden: 0 }, /^hidden: /);
    refused({ dropout: 1 }, /^dropout: /);
    refused({ level: 'syllable' }, /^level: /);
    refused({ validationFraction: 0.5, testFraction: 0.5 }, /leave no text to train on/);
    refused({ budget: { steps: 1.5 } }, /^budget/);
    refused({ budget: { minutes: -1 } }, /^budget/);
    refused({ init: 'xavier' }, /^init: /);
    refused({ hiden: 128 }, /unknown field "hiden"/);
    expect(() => resolveSeq2seqConfig({ task: 'summarize', pairs, hidden: 255 })).toThrow(/even hidden size/);
    expect(() => resolveSeq2seqConfig({ task: 'summarize', pairs, cell: 'gru' })).toThrow(/^cell: /);
  });
});
