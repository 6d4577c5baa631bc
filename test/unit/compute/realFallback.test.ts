// The real wasm backend pointed at directories that do not hold its .wasm files: selection must name the
// failure and fall back to cpu (what a mis-packaged app would see). Own file: a failed wasm init cannot be
// undone within a process.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/compute/select.js';
import { tf } from '../../../src/compute/tf.js';

const wasmDist = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));

describe('real selection fallbacks', () => {
  it('names the missing .wasm files and runs on cpu with a warning', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'longhand-wasm-'));
    const report = await selectBackend({ env: {}, wasmDir: empty });
    expect(report.backend).toBe('cpu');
    expect(report.warning).toMatch(/too slow to train/);
    expect(report.candidates.find((c) => c.name === 'wasm')).toEqual({
      name: 'wasm',
      ok: false,
      reason: `failed to load: tfjs-backend-wasm.wasm, tfjs-backend-wasm-simd.wasm, tfjs-backend-wasm-threaded-simd.wasm not found in ${empty}`,
    });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('reports the loader\'s reason when the files are there but unusable', async () => {
    // Right names, wrong contents: the wasm loader itself fails.
    const bogus = mkdtempSync(path.join(os.tmpdir(), 'longhand-wasm-'));
    for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
      copyFileSync(path.join(wasmDist, '..', 'package.json'), path.join(bogus, file));
    }
    const report = await selectBackend({ env: {}, wasmDir: bogus });
    expect(report.backend).toBe('cpu');
    expect(report.candidates.find((c) => c.name === 'wasm')?.reason).toMatch(/^failed to initialise: \S/);
  });
});
