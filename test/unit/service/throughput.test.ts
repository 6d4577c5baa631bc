/** Training speed calibrated by runs on this machine, and estimates from it (measured, scaled, documented). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LmConfig, type RunProgress } from '../../../src/contract/index.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { THROUGHPUT_SETTING, ThroughputBook, costPerToken, measuredSpeed } from '../../../src/service/throughput.js';

const small = LmConfig.parse({ level: 'char', embed: 64, hidden: 256, layers: 1, cell: 'lstm', seq: 64, batch: 32, lr: 0.01, dropout: 0, budget: { epochs: 1 } });
const wide = { ...small, hidden: 512 };
const progress = (step: number, elapsedSeconds: number, tokensPerSec: number | null = 9999): RunProgress => ({
  step, totalSteps: null, epoch: null, trainLoss: 1, valLoss: 1, bestValLoss: 1, tokensPerSec, elapsedSeconds, etaSeconds: null,
});

describe('ThroughputBook', () => {
  let store: Store | undefined;
  afterEach(() => store?.close());
  const open = () => (store = openStore(fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-speed-'))));

  it('a language model is measured in wall-clock tokens (steps × batch × seq over the elapsed time)', () => {
    expect(measuredSpeed({ kind: 'lm', config: small }, progress(100, 20))).toBeCloseTo((100 * 32 * 64) / 20);
    // Too short to say anything about speed.
    expect(measuredSpeed({ kind: 'lm', config: small }, progress(5, 20))).toBeNull();
    expect(measuredSpeed({ kind: 'lm', config: small }, progress(100, 2))).toBeNull();
    expect(measuredSpeed({ kind: 'lm', config: small }, null)).toBeNull();
  });

  it('stores what a run measured, and estimates the same size from it, another size scaled by cost, else the documented figure', () => {
    const book = new ThroughputBook(open());
    const documented = { config: small, tokensPerSecond: 9000 };
    expect(book.speed('lm', small, 'wasm', documented)).toEqual({ tokensPerSecond: 9000, basis: 'documented' });
    expect(book.speed('lm', wide, 'wasm', documented)!.tokensPerSecond).toBeCloseTo((9000 * costPerToken('lm', small)) / costPerToken('lm', wide));
    expect(book.speed('lm', small, 'wasm', null)).toBeNull();

    expect(book.record({ id: 7, kind: 'lm', config: small, backend: 'wasm' }, progress(200, 40))).toBe(true);
    expect(book.speed('lm', small, 'wasm', documented)).toEqual({ tokensPerSecond: 10240, basis: 'measured' });
    const scaled = book.speed('lm', wide, 'wasm', documented)!;
    expect(scaled.basis).toBe('scaled');
    expect(scaled.tokensPerSecond).toBeCloseTo((10240 * costPerToken('lm', small)) / costPerToken('lm', wide));
    expect(costPerToken('lm', wide)).toBeGreaterThan(2 * costPerToken('lm', small));
    // Another backend has nothing measured.
    expect(book.speed('lm', small, 'cpu', { config: small, tokensPerSecond: 500 })?.basis).toBe('documented');
    // Stored in the settings table, so it outlives the service.
    expect(Object.values(store!.settings.get(THROUGHPUT_SETTING) as object)).toHaveLength(1);
    expect(new ThroughputBook(store!).speed('lm', small, 'wasm', null)?.tokensPerSecond).toBe(10240);

    // A newer run of the same size replaces the figure; a run without a backend or too short records nothing.
    expect(book.record({ id: 8, kind: 'lm', config: small, backend: 'wasm' }, progress(100, 40))).toBe(true);
    expect(book.speed('lm', small, 'wasm', null)?.tokensPerSecond).toBe(5120);
    expect(book.record({ id: 9, kind: 'lm', config: small, backend: null }, progress(100, 40))).toBe(false);
    expect(book.record({ id: 9, kind: 'lm', config: small, backend: 'wasm' }, progress(3, 40))).toBe(false);
  });

  it('a stored value of another shape is ignored, not trusted', () => {
    const s = open();
    s.settings.set({ [THROUGHPUT_SETTING]: { x: { kind: 'lm', tokensPerSecond: -1 } } });
    expect(new ThroughputBook(s).speed('lm', small, 'wasm', null)).toBeNull();
  });
});
