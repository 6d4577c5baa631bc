import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LmConfig, Preset, Seq2seqModelConfig } from '../../../src/contract/index.js';
import { DEFAULT_PRESETS_DIR } from '../../../src/service/index.js';
import { estimateSeconds, lmDataSize, seq2seqDataSize } from '../../../src/service/estimate.js';
import { PresetCatalog, PresetFile, type Estimator } from '../../../src/service/presets.js';
import { FINE_TUNE_DEFAULTS } from '../../../src/train/config.js';

/** Documented speeds only (nothing measured), every backend available but the GPU. */
const documentedOnly = (catalog: PresetCatalog): Estimator => ({
  backend: 'wasm',
  unavailable: new Set(['tfjs-node-gpu']),
  speed: (kind, config, backend) => {
    const d = catalog.documented(kind, config, backend);
    return d ? { tokensPerSecond: d.tokensPerSecond, basis: 'documented' } : null;
  },
});

describe('shipped presets', () => {
  const files = fs.readdirSync(DEFAULT_PRESETS_DIR).filter((f) => f.endsWith('.json'));

  it('are two fine-tuning presets and small, medium and large', () => {
    expect(files.sort()).toEqual(['large.json', 'long-adapt.json', 'medium.json', 'quick-adapt.json', 'small.json']);
  });

  it.each(files)('%s is a valid preset: complete configs with speeds, or a fine-tuning preset for language models', (file) => {
    const parsed = PresetFile.parse(JSON.parse(fs.readFileSync(path.join(DEFAULT_PRESETS_DIR, file), 'utf8')));
    expect(parsed.name).toBe(path.basename(file, '.json'));
    if ('fineTune' in parsed.lm) {
      expect(parsed.seq2seq).toBeUndefined();
      // It sets a budget only: everything else is the fine-tuning defaults (src/train/config.ts) and the parent's size.
      expect(Object.keys(parsed.lm.config)).toEqual(['budget']);
      return;
    }
    expect(() => LmConfig.parse(parsed.lm.config)).not.toThrow();
    expect(() => Seq2seqModelConfig.parse(parsed.seq2seq!.config)).not.toThrow();
    for (const backend of ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']) {
      expect(parsed.lm.tokensPerSecond[backend]).toBeGreaterThan(0);
      expect(parsed.seq2seq!.tokensPerSecond[backend]).toBeGreaterThan(0);
    }
  });

  it('the quick-adapt preset is the five minutes of the fine-tuning defaults, as its label says', () => {
    const parsed = PresetFile.parse(JSON.parse(fs.readFileSync(path.join(DEFAULT_PRESETS_DIR, 'quick-adapt.json'), 'utf8')));
    expect(parsed.label).toBe('Quick adapt: 5 min');
    expect(parsed.lm.config.budget).toEqual(FINE_TUNE_DEFAULTS.budget);
  });

  it('list in order, each a valid contract Preset; fine-tuning presets are for language models', async () => {
    const errors: string[] = [];
    const catalog = await PresetCatalog.load(DEFAULT_PRESETS_DIR, (e) => errors.push(e));
    expect(errors).toEqual([]);
    const presets = catalog.list(undefined, () => undefined, documentedOnly(catalog));
    expect(presets.map((p) => `${p.kind}:${p.name}${p.fineTune ? ' (fine-tune)' : ''}`)).toEqual([
      'lm:quick-adapt (fine-tune)', 'lm:long-adapt (fine-tune)', 'lm:small', 'lm:medium', 'lm:large', 'seq2seq:small', 'seq2seq:medium', 'seq2seq:large',
    ]);
    for (const p of presets) {
      expect(() => Preset.parse(p)).not.toThrow();
      expect(p.estimates.find((e) => e.backend === 'tfjs-node-gpu')?.seconds).toBeNull();
      expect(p.estimates.find((e) => e.backend === 'wasm')?.seconds).toBeGreaterThan(0);
    }
    expect(presets[0]!.estimates.find((e) => e.backend === 'wasm')?.seconds).toBe(300);
    // Bigger presets take longer on the same backend.
    const wasm = presets.filter((p) => p.kind === 'lm' && !p.fineTune).map((p) => p.estimates.find((e) => e.backend === 'wasm')!.seconds!);
    expect(wasm[0]).toBeLessThan(wasm[1]!);
    expect(wasm[1]).toBeLessThan(wasm[2]!);
  });

  it('documents encoder–decoder speeds as measured here (about 1 200 target tokens/s for the small model on wasm, not 5 000)', async () => {
    const catalog = await PresetCatalog.load(DEFAULT_PRESETS_DIR);
    const small = catalog.preset('seq2seq', 'small')!.config as Seq2seqModelConfig;
    const documented = catalog.documented('seq2seq', small, 'wasm')!;
    expect(documented.tokensPerSecond).toBeGreaterThanOrEqual(1000);
    expect(documented.tokensPerSecond).toBeLessThanOrEqual(1400);
  });

  it('refuses a fine-tuning preset that names a model to start from, or a new-model preset without speeds', () => {
    const base = { name: 'x', order: 1, label: 'X', description: '' };
    expect(PresetFile.safeParse({ ...base, lm: { fineTune: true, config: { from: { kind: 'dir', path: '/m' } } } }).success).toBe(false);
    expect(PresetFile.safeParse({ ...base, lm: { config: { budget: { minutes: 1 } } } }).success).toBe(false);
  });
});

describe('estimateSeconds', () => {
  const lm = LmConfig.parse({ level: 'char', embed: 64, hidden: 256, layers: 1, cell: 'lstm', seq: 64, batch: 32, lr: 0.002, dropout: 0, budget: { epochs: 2 } });
  const corpus = { characters: 100_000, words: 20_000 };

  it('epochs: the training part of the characters per epoch at the char level / speed', () => {
    const size = lmDataSize({ ...lm, validationFraction: 0.05, testFraction: 0.05 }, corpus);
    expect(size.tokensPerEpoch).toBe(90_000);
    expect(estimateSeconds(lm.budget, size, 1000)).toBe(180);
  });

  it('epochs: words × 1.3 at the word level', () => {
    expect(estimateSeconds(lm.budget, lmDataSize({ ...lm, level: 'word' }, corpus), 1000)).toBe(52);
  });

  it('steps: steps × batch × seq', () => {
    expect(estimateSeconds({ steps: 100 }, lmDataSize(lm, corpus), 2048)).toBe(100);
  });

  it('minutes: the same on every backend', () => {
    expect(estimateSeconds({ minutes: 3 }, lmDataSize(lm, corpus), 1)).toBe(180);
  });

  it('encoder–decoders: target tokens of the training pairs (capped at the longest target, + end), per step the mean pair', () => {
    const pairs = { pairs: 4, targetTokens: (max: number) => [10, 20, 30, 300].reduce((s, n) => s + Math.min(n, max) + 1, 0) };
    const size = seq2seqDataSize({ batch: 2, maxTargetLen: 40, validationFraction: 0.5 }, pairs);
    expect(size.tokensPerEpoch).toBe(52); // (11 + 21 + 31 + 41) / 2
    expect(size.tokensPerStep).toBe(52);
    expect(estimateSeconds({ epochs: 10 }, size, 52)).toBe(10);
    expect(estimateSeconds({ steps: 10 }, size, 52)).toBe(10);
  });
});
