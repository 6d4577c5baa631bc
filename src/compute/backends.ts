/**
 * The compute backends Longhand can run TensorFlow.js on, best first, and the report that says which one was
 * chosen and why each better one was not. Pure data and parsing; the probing lives in ./probes and ./select.
 */

export const backendNames = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];

/** The name TensorFlow.js itself knows the backend by (`tf.getBackend()`). */
export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';

/** npm packages that provide a backend; `cpu` ships inside @tensorflow/tfjs itself. */
export type BackendPackage = '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node' | '@tensorflow/tfjs-backend-wasm';

export interface BackendSpec {
  name: BackendName;
  tfBackend: TfBackendName;
  package: BackendPackage | null;
  needsCuda: boolean;
}

export const backendSpecs: readonly BackendSpec[] = [
  { name: 'tfjs-node-gpu', tfBackend: 'tensorflow', package: '@tensorflow/tfjs-node-gpu', needsCuda: true },
  { name: 'tfjs-node', tfBackend: 'tensorflow', package: '@tensorflow/tfjs-node', needsCuda: false },
  { name: 'wasm', tfBackend: 'wasm', package: '@tensorflow/tfjs-backend-wasm', needsCuda: false },
  { name: 'cpu', tfBackend: 'cpu', package: null, needsCuda: false },
];

/**
 * One line of the report. `ok` is true for the chosen backend, false for one that was tried (or ruled out)
 * and does not work, and null for one that was never tried: worse than the chosen one ("not needed: a better
 * backend works") or passed over because another was forced. Null means "unknown", not "broken".
 */
export interface CandidateReport {
  name: BackendName;
  ok: boolean | null;
  reason: string;
}

export interface BackendReport {
  backend: BackendName;
  tfBackend: TfBackendName;
  /** True when LONGHAND_BACKEND chose the backend. */
  forced: boolean;
  /** Something the user should know even though a backend works (cpu is too slow to train on). */
  warning?: string;
  /** Every backend, best first. */
  candidates: CandidateReport[];
}

export const BACKEND_ENV = 'LONGHAND_BACKEND';

export const CPU_WARNING =
  'TensorFlow.js is running on the plain JavaScript cpu backend: fine for trying things out, too slow to train models.';

/** No backend could be used. Carries what each candidate said, so `longhand doctor` can still show it. */
export class ComputeBackendError extends Error {
  constructor(
    message: string,
    readonly candidates: CandidateReport[],
    readonly forced: boolean,
  ) {
    super(message);
    this.name = 'ComputeBackendError';
  }
}

/** Reads LONGHAND_BACKEND: undefined when unset or empty, else a backend name; anything else is an error. */
export function forcedBackend(env: NodeJS.ProcessEnv): BackendName | undefined {
  const raw = env[BACKEND_ENV]?.trim();
  if (!raw) return undefined;
  const name = backendNames.find((candidate) => candidate === raw.toLowerCase());
  if (!name) {
    throw new ComputeBackendError(
      `${BACKEND_ENV} must be one of ${backendNames.join(', ')} (got "${raw}")`,
      [],
      true,
    );
  }
  return name;
}
