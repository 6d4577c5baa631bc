/**
 * Puts TensorFlow.js on a named backend for a test file. Tests of numerical code run on every backend that
 * works on this machine (cpu always; wasm ships inside its npm package).
 */
import '@tensorflow/tfjs-backend-wasm';
import { tf } from '../../src/compute/tf.js';

export const testBackends = ['cpu', 'wasm'] as const;
export type TestBackend = (typeof testBackends)[number];

export async function useBackend(name: TestBackend): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`TensorFlow.js backend ${name} failed to initialise`);
  await tf.ready();
}
