/**
 * The process-wide compute backend: chosen once, at start-up, before any model is built. Concurrent callers
 * share one initialisation; the first caller's options decide it (later options are ignored, because the
 * TensorFlow.js engine is global). A failed initialisation is not remembered, so it can be retried.
 */
import type { BackendReport } from './backends.js';
import { selectBackend, type SelectBackendOptions } from './select.js';

export type InitComputeOptions = SelectBackendOptions;

let pending: Promise<BackendReport> | undefined;
let report: BackendReport | undefined;

export function initCompute(options: InitComputeOptions = {}): Promise<BackendReport> {
  if (!pending) {
    pending = selectBackend(options).then(
      (chosen) => (report = chosen),
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
  }
  return pending;
}

/** The backend chosen by initCompute, or undefined before it has finished (or when it failed). */
export function currentBackendReport(): BackendReport | undefined {
  return report;
}

export {
  type BackendName,
  type BackendReport,
  type CandidateReport,
  type TfBackendName,
  backendNames,
  BACKEND_ENV,
  ComputeBackendError,
} from './backends.js';
export type { ComputeProbes } from './probes.js';
export type { CudaProbe } from './cuda.js';

/** The backend tensors run on: initCompute's name for it when it chose this one (tfjs-node…), else tf's own. */
export async function backendName(): Promise<string> {
  const { tf } = await import('./tf.js');
  const tfName = tf.getBackend();
  return report && report.tfBackend === tfName ? report.backend : tfName;
}
