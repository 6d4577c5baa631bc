import { describe, expect, it } from 'vitest';
import { errorReason, isMissingPackage, nodeComputeProbes } from '../../../src/compute/probes.js';

describe('real probes', () => {
  const probes = nodeComputeProbes();

  it('sees which packages are installed without loading them', async () => {
    expect(await probes.isInstalled('@tensorflow/tfjs-backend-wasm')).toBe(true);
    expect(await probes.isInstalled('@tensorflow/tfjs-node')).toBe(false);
    expect(await probes.isInstalled('@tensorflow/tfjs-node-gpu')).toBe(false);
  });

  it('turns importing a missing optional package into an error that says "missing", not a crash', async () => {
    const error = await probes.load('@tensorflow/tfjs-node').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(isMissingPackage('@tensorflow/tfjs-node', error)).toBe(true);
    expect(isMissingPackage('@tensorflow/tfjs-node-gpu', error)).toBe(false);
  });
});

describe('errorReason', () => {
  it('keeps the first non-empty line', () => {
    expect(errorReason(new Error('\n  libtensorflow.so.2: cannot open\n    at x'))).toBe('libtensorflow.so.2: cannot open');
    expect(errorReason('plain')).toBe('plain');
    expect(errorReason(new Error('x'.repeat(400)))).toHaveLength(300);
  });
});
