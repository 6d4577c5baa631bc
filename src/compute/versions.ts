/** Versions of the TensorFlow.js packages in use, read from their package.json (for `longhand doctor`). */
import { createRequire } from 'node:module';
import { type BackendName, backendSpecs } from './backends.js';

const requireHere = createRequire(import.meta.url);

/** The installed version of a package, or null when it is missing or does not expose its package.json. */
export function installedVersion(pkg: string): string | null {
  try {
    const manifest = requireHere(`${pkg}/package.json`) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : null;
  } catch {
    return null;
  }
}

export interface TfVersions {
  tfjs: string | null;
  /** The package providing the backend and its version; null for cpu, which is part of @tensorflow/tfjs. */
  backendPackage: { name: string; version: string | null } | null;
}

export function tfVersions(backend: BackendName | undefined): TfVersions {
  const pkg = backendSpecs.find((spec) => spec.name === backend)?.package ?? null;
  return {
    tfjs: installedVersion('@tensorflow/tfjs'),
    backendPackage: pkg ? { name: pkg, version: installedVersion(pkg) } : null,
  };
}
