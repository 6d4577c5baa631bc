import { describe, expect, it } from 'vitest';
import { DEFAULT_LM_TRAINING, resolveLmConfig } from '../../../src/train/config.js';

describe('language-model training config', () => {
  it('defaults to the standard size with the tuned schedule', () => {
    expect(resolveLmConfig()).toMatchObject({
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
      split: [0.9, 0.05, 0.05],
    });
  });

  it('overrides defaults, ignores unknown keys and undefined values', () => {
    const c = resolveLmConfig({ hidden: 128, lr: undefined, ...({ source: { kind: 'text' }, validationFraction: 0.1 } as object) });
    expect(c.hidden).toBe(128);
    expect(c.lr).toBe(DEFAULT_LM_TRAINING.lr);
    expect(c).not.toHaveProperty('source');
    expect(c).not.toHaveProperty('validationFraction');
  });

  it('refuses bad settings with a message naming them', () => {
    expect(() => resolveLmConfig({ hidden: 0 })).toThrow('hidden must be an integer ≥ 1 (got 0)');
    expect(() => resolveLmConfig({ dropout: 1 })).toThrow(/dropout/);
    expect(() => resolveLmConfig({ level: 'syllable' as never })).toThrow(/level/);
    expect(() => resolveLmConfig({ split: [0.5, 0.2, 0.2] })).toThrow(/add up to 1/);
    expect(() => resolveLmConfig({ budget: { steps: 1.5 } })).toThrow(/step budget/);
    expect(() => resolveLmConfig({ budget: { minutes: -1 } })).toThrow(/minutes budget/);
    expect(() => resolveLmConfig({ init: 'xavier' as never })).toThrow(/init/);
  });
});
