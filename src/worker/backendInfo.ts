/**
 * Choosing the compute backend inside the worker (the process that owns TensorFlow.js) and describing the
 * outcome for the service's system report. TensorFlow.js is imported here lazily, so the worker answers
 * messages while it loads.
 */
import type { BackendInfo } from './protocol.js';

export async function detectBackend(env: NodeJS.ProcessEnv): Promise<BackendInfo> {
  const [{ initCompute, ComputeBackendError }, { tfVersions }, { parallelismReport }] = await Promise.all([
    import('../compute/backend.js'),
    import('../compute/versions.js'),
    import('../train/parallel/report.js'),
  ]);
  // A bad LONGHAND_THREADS fails the runs that need the default, not the worker.
  const training = (tfBackend: string | null) => {
    try {
      return { training: parallelismReport(tfBackend, env) };
    } catch {
      return {};
    }
  };
  try {
    const report = await initCompute({ env });
    return {
      chosen: report.backend,
      candidates: report.candidates,
      warning: report.warning ?? null,
      error: null,
      tfjs: tfVersions(report.backend).tfjs,
      ...training(report.tfBackend),
    };
  } catch (error) {
    if (!(error instanceof ComputeBackendError)) throw error;
    return { chosen: null, candidates: error.candidates, warning: null, error: error.message, tfjs: tfVersions(undefined).tfjs };
  }
}
