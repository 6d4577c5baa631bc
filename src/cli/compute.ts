/** Putting TensorFlow.js on a compute backend for a command, through src/compute. */
import type { tf as TfType } from '../compute/tf.js';
import { CliError, type CliIo } from './io.js';

/** The requested backend ('auto': src/compute's choice, which LONGHAND_BACKEND can force). */
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
