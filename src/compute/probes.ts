/**
 * The real-world side of backend selection: is a package installed, load it, switch TensorFlow.js to a backend.
 * Optional packages (tfjs-node, tfjs-node-gpu) are imported lazily with a computed specifier so that neither
 * TypeScript nor a bundler insists they exist; their absence is an ordinary answer, not a crash.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BackendPackage, TfBackendName } from './backends.js';
import { detectCuda, type CudaProbe } from './cuda.js';
import { tf } from './tf.js';

/** Everything selection asks of the outside world; tests replace any of it. */
export interface ComputeProbes {
  /** Whether the package can be found, without running any of its code. */
  isInstalled(pkg: BackendPackage): boolean | Promise<boolean>;
  detectCuda(): Promise<CudaProbe>;
  /** Imports the package, which registers its backend with TensorFlow.js. Throws whatever the import threw. */
  load(pkg: BackendPackage): Promise<void>;
  /** Switches TensorFlow.js to the backend and checks that it computes; throws the reason when it cannot. */
  activate(tfBackend: TfBackendName): Promise<void>;
}

export interface NodeProbeOptions {
  /**
   * Directory holding tfjs-backend-wasm's .wasm files. Plain Node finds them inside node_modules by itself; a
   * packaged Electron app passes the asar-unpacked directory.
   */
  wasmDir?: string;
}

const requireHere = createRequire(import.meta.url);

export function nodeComputeProbes(options: NodeProbeOptions = {}): ComputeProbes {
  return {
    isInstalled(pkg) {
      try {
        requireHere.resolve(pkg);
        return true;
      } catch (error) {
        // Found but broken (bad "main", unreadable package.json) counts as installed: loading it says why.
        return !isMissingPackage(pkg, error);
      }
    },
    detectCuda: () => detectCuda(),
    async load(pkg) {
      const specifier: string = pkg;
      const mod = (await import(specifier)) as WasmModule;
      if (pkg === '@tensorflow/tfjs-backend-wasm' && options.wasmDir) {
        const setWasmPaths = mod.setWasmPaths ?? mod.default?.setWasmPaths;
        if (!setWasmPaths) throw new Error('@tensorflow/tfjs-backend-wasm does not export setWasmPaths');
        // Checked here because the wasm loader's own error does not name the file it could not read.
        const missing = wasmFiles.filter((file) => !existsSync(path.join(options.wasmDir ?? '', file)));
        if (missing.length) throw new Error(`${missing.join(', ')} not found in ${options.wasmDir}`);
        // The prefix is concatenated with the file name, so it needs its trailing separator.
        const dir = options.wasmDir;
        setWasmPaths(dir.endsWith('/') || dir.endsWith(path.sep) ? dir : dir + path.sep);
      }
    },
    activate: activateTfBackend,
  };
}

const wasmFiles = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

interface WasmModule {
  setWasmPaths?: (prefix: string) => void;
  default?: { setWasmPaths?: (prefix: string) => void };
}

/** True when `error` says that `pkg` itself (not something inside it) cannot be found. */
export function isMissingPackage(pkg: string, error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  // Node quotes the specifier: "Cannot find package '@tensorflow/tfjs-node' imported from …" (ESM) or
  // "Cannot find module '@tensorflow/tfjs-node'" (CJS). A missing file inside the package, such as its native
  // binding, quotes a longer path and is a load failure, not absence.
  return error.message.includes(`'${pkg}'`);
}

/** The one-line reason a load or initialisation failed. */
export function errorReason(error: unknown): string {
  // tfjs-backend-wasm rejects with a bare `{ message }` object, not an Error.
  const message =
    typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string'
      ? (error as { message: string }).message
      : String(error);
  const line = message.split('\n').map((part) => part.trim()).find(Boolean) ?? 'unknown error';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

async function activateTfBackend(name: TfBackendName): Promise<void> {
  const capture = captureInitError(name);
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } finally {
    capture.restore();
  }
  if (!ok) {
    const cause = capture.error();
    throw new Error(cause === undefined ? `TensorFlow.js could not initialise its ${name} backend` : errorReason(cause));
  }
  await tf.ready();
  silenceCpuBanner();
  // A backend that initialises but cannot run kernels (a broken wasm binary) fails here rather than mid-training.
  const sum = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]);
  if (sum !== 3) throw new Error(`the ${name} backend computed 1 + 2 = ${String(sum)}`);
}

/**
 * The cpu backend prints a "install tfjs-node" banner on first use in Node. Longhand already reports which
 * backend runs and why the better ones were skipped (`longhand doctor`, Settings), so the banner is only noise in
 * the CLI's output and the app's logs.
 */
function silenceCpuBanner(): void {
  const backend = tf.backend() as { firstUse?: unknown };
  if (typeof backend.firstUse === 'boolean') backend.firstUse = false;
}

/**
 * tf.setBackend only answers true/false and logs the cause; wrapping the registered factory for the duration
 * of the call keeps the cause so the report can name it.
 */
function captureInitError(name: string): { error(): unknown; restore(): void } {
  const entry = tf.engine().registryFactory[name];
  if (!entry) return { error: () => undefined, restore: () => undefined };
  const original = entry.factory;
  let captured: unknown;
  const keep = (error: unknown): never => {
    captured = error;
    throw error;
  };
  entry.factory = () => {
    try {
      const backend = original();
      return backend instanceof Promise ? backend.catch(keep) : backend;
    } catch (error) {
      return keep(error);
    }
  };
  return { error: () => captured, restore: () => void (entry.factory = original) };
}
