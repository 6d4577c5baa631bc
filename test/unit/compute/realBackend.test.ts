// Selection against the real machine: tfjs-node and tfjs-node-gpu are optionalDependencies that do not
// install here, so the wasm backend (a regular dependency) is expected to win.
import { describe, expect, it } from 'vitest';
import { currentBackendReport, initCompute } from '../../../src/compute/backend.js';
import { tf } from '../../../src/compute/tf.js';

describe('initCompute on this machine', () => {
  it('chooses wasm and says the native packages are not installed', async () => {
    const env = { ...process.env, LONGHAND_BACKEND: '' };
    const [first, second] = await Promise.all([initCompute({ env }), initCompute({ env })]);
    expect(second).toBe(first);
    expect(first).toMatchObject({ backend: 'wasm', tfBackend: 'wasm', forced: false });
    expect(first.candidates).toEqual([
      { name: 'tfjs-node-gpu', ok: false, reason: 'not installed' },
      { name: 'tfjs-node', ok: false, reason: 'not installed' },
      { name: 'wasm', ok: true, reason: 'works' },
      { name: 'cpu', ok: null, reason: 'not needed: a better backend works' },
    ]);
    expect(tf.getBackend()).toBe('wasm');
    expect(currentBackendReport()).toBe(first);
    expect(await initCompute({ env: { LONGHAND_BACKEND: 'cpu' } })).toBe(first);
  });
});
