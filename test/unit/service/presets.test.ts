import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LmConfig, Preset, Seq2seqModelConfig } from '../../../src/contract/index.js';
import { DEFAULT_PRESETS_DIR } from '../../../src/service/index.js';
import { PresetCatalog, PresetFile, TYPICAL_LM_WORKLOAD, estimateSeconds } from '../../../src/service/presets.js';

describe('shipped presets', () => {
  const files = fs.readdirSync(DEFAULT_PRESETS_DIR).filter((f) => f.endsWith('.json'));

  it('are small, medium and large', () => {
    expect(files.sort()).toEqual(['large.json', 'medium.json', 'small.json']);
  });

  it.each(files)('%s is a valid preset with complete configs', (file) => {
    const parsed = PresetFile.parse(JSON.parse(fs.readFileSync(path.join(DEFAULT_PRESETS_DIR, file), 'utf8')));
    expect(parsed.name).toBe(path.basename(file, '.json'));
    expect(() => LmConfig.parse(parsed.lm.config)).not.toThrow();
    expect(() => Seq2seqModelConfig.parse(parsed.seq2seq.config)).not.toThrow();
    for (const backend of ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']) {
      expect(parsed.lm.tokensPerSecond[backend]).toBeGreaterThan(0);
      expect(parsed.seq2seq.tokensPerSecond[backend]).toBeGreaterThan(0);
    }
  });

  it('list in size order, both kinds, each a valid contract Preset', async () => {
    const errors: string[] = [];
    const catalog = await PresetCatalog.load(DEFAULT_PRESETS_DIR, (e) => errors.push(e));
    expect(errors).toEqual([]);
    const presets = catalog.list(undefined, {}, { unavailable: new Set(['tfjs-node-gpu']) });
    expect(presets.map((p) => `${p.kind}:${p.name}`)).toEqual([
      'lm:small', 'lm:medium', 'lm:large', 'seq2seq:small', 'seq2seq:medium', 'seq2seq:large',
    ]);
    for (const p of presets) {
      expect(() => Preset.parse(p)).not.toThrow();
      expect(p.estimates.find((e) => e.backend === 'tfjs-node-gpu')?.seconds).toBeNull();
      expect(p.estimates.find((e) => e.backend === 'wasm')?.seconds).toBeGreaterThan(0);
    }
    // Bigger presets take longer on the same backend.
    const wasm = presets.filter((p) => p.kind === 'lm').map((p) => p.estimates.find((e) => e.backend === 'wasm')!.seconds!);
    expect(wasm[0]).toBeLessThan(wasm[1]!);
    expect(wasm[1]).toBeLessThan(wasm[2]!);
  });
});

describe('estimateSeconds', () => {
  const lm = LmConfig.parse({ level: 'char', embed: 64, hidden: 256, layers: 1, cell: 'lstm', seq: 64, batch: 32, lr: 0.002, dropout: 0, budget: { epochs: 2 } });

  it('epochs: characters per epoch at the char level / speed', () => {
    expect(estimateSeconds('lm', lm, { characters: 100_000, words: 20_000 }, 1000)).toBe(200);
  });

  it('epochs: words × 1.3 at the word level', () => {
    expect(estimateSeconds('lm', { ...lm, level: 'word' }, { characters: 100_000, words: 20_000 }, 1000)).toBe(52);
  });

  it('steps: steps × batch × seq', () => {
    expect(estimateSeconds('lm', { ...lm, budget: { steps: 100 } }, TYPICAL_LM_WORKLOAD, 2048)).toBe(100);
  });

  it('minutes: the same on every backend', () => {
    expect(estimateSeconds('lm', { ...lm, budget: { minutes: 3 } }, TYPICAL_LM_WORKLOAD, 1)).toBe(180);
  });
});
