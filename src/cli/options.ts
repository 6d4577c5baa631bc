/** What the commands share: putting TensorFlow.js on the chosen backend, and parsers for numeric options. */
import { InvalidArgumentError } from 'commander';
import type { tf as TfType } from '../compute/tf.js';
import { CliError, type CliIo } from './io.js';

/** Puts TensorFlow.js on the requested backend through src/compute (auto: its normal choice). */
export async function useBackend(name: string, io: CliIo): Promise<typeof TfType> {
  const { initCompute } = await import('../compute/backend.js');
  const env = name === 'auto' ? io.env : { ...io.env, LONGHAND_BACKEND: name };
  const report = await initCompute({ env }).catch((error: unknown) => {
    throw new CliError(error instanceof Error ? error.message : String(error));
  });
  const { tf } = await import('../compute/tf.js');
  // initCompute is once per process; an in-process caller (tests) may have chosen another backend before.
  const wanted = name === 'auto' ? report.tfBackend : name === 'wasm' || name === 'cpu' ? name : 'tensorflow';
  if (tf.getBackend() !== wanted && !(await tf.setBackend(wanted))) throw new CliError(`the ${wanted} backend is not available in this process`);
  await tf.ready();
  return tf;
}

export function positiveInt(value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}.`);
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number.');
  return n;
}

export function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0.');
  return n;
}

export function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError('expected a number in [0, 1).');
  return n;
}
