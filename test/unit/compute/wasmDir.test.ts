// The wasmDir option a packaged app uses (asar-unpacked .wasm files), pointed at the real files.
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/compute/select.js';
import { tf } from '../../../src/compute/tf.js';

describe('wasmDir', () => {
  it('loads the wasm backend from an explicit directory', async () => {
    const dir = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    const report = await selectBackend({ env: { LONGHAND_BACKEND: 'wasm' }, wasmDir: dir });
    expect(report.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
});
