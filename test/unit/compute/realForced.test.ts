import { describe, expect, it } from 'vitest';
import { ComputeBackendError } from '../../../src/compute/backends.js';
import { selectBackend } from '../../../src/compute/select.js';
import { tf } from '../../../src/compute/tf.js';

describe('LONGHAND_BACKEND on this machine', () => {
  it('forces cpu', async () => {
    const report = await selectBackend({ env: { LONGHAND_BACKEND: 'cpu' } });
    expect(report).toMatchObject({ backend: 'cpu', forced: true });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('forces wasm', async () => {
    const report = await selectBackend({ env: { LONGHAND_BACKEND: 'wasm' } });
    expect(report).toMatchObject({ backend: 'wasm', forced: true });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('refuses a forced package that is not installed instead of falling back', async () => {
    const before = tf.getBackend();
    const error = await selectBackend({ env: { LONGHAND_BACKEND: 'tfjs-node-gpu' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComputeBackendError);
    expect((error as Error).message).toMatch(/^LONGHAND_BACKEND=tfjs-node-gpu: not installed \(install @tensorflow\/tfjs-node-gpu/);
    expect(tf.getBackend()).toBe(before);
  });
});
