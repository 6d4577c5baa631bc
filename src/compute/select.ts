/**
 * Chooses the compute backend: the first of tfjs-node-gpu (only with a CUDA device), tfjs-node, wasm and cpu
 * that loads and computes, or the one LONGHAND_BACKEND forces. Every candidate gets a line saying why it was
 * or was not used. Not memoised: ./backend does that for the process.
 */
import {
  BACKEND_ENV,
  type BackendName,
  type BackendReport,
  type BackendSpec,
  backendSpecs,
  type CandidateReport,
  ComputeBackendError,
  CPU_WARNING,
  forcedBackend,
} from './backends.js';
import { type ComputeProbes, errorReason, isMissingPackage, nodeComputeProbes } from './probes.js';

export interface SelectBackendOptions {
  /** Where LONGHAND_BACKEND is read from; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Directory of tfjs-backend-wasm's .wasm files, for packaged apps (see NodeProbeOptions). */
  wasmDir?: string;
  /** Replacements for the real probes (tests simulate GPUs and broken packages with these). */
  probes?: Partial<ComputeProbes>;
}

export const NOT_NEEDED = 'not needed: a better backend works';

export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendReport> {
  const probes: ComputeProbes = { ...nodeComputeProbes({ wasmDir: options.wasmDir }), ...options.probes };
  const forced = forcedBackend(options.env ?? process.env);
  const candidates: CandidateReport[] = [];
  let chosen: { spec: BackendSpec; warning?: string } | undefined;

  for (const spec of backendSpecs) {
    if (chosen) {
      candidates.push({ name: spec.name, ok: null, reason: forced ? notTried(forced) : NOT_NEEDED });
    } else if (forced && spec.name !== forced) {
      candidates.push({ name: spec.name, ok: null, reason: notTried(forced) });
    } else {
      const attempt = await tryBackend(spec, probes, forced === spec.name);
      candidates.push(attempt.candidate);
      if (attempt.candidate.ok) chosen = { spec, warning: attempt.warning };
    }
  }

  if (!chosen) {
    const failed = candidates.filter((candidate) => candidate.ok === false);
    const message = forced
      ? `${BACKEND_ENV}=${forced}: ${failed[0]?.reason ?? 'failed'}${installHint(forced, failed[0]?.reason)}`
      : `no TensorFlow.js backend works (${failed.map((c) => `${c.name}: ${c.reason}`).join('; ')})`;
    throw new ComputeBackendError(message, candidates, Boolean(forced));
  }
  const report: BackendReport = {
    backend: chosen.spec.name,
    tfBackend: chosen.spec.tfBackend,
    forced: Boolean(forced),
    candidates,
  };
  if (chosen.warning) report.warning = chosen.warning;
  return report;
}

async function tryBackend(
  spec: BackendSpec,
  probes: ComputeProbes,
  forced: boolean,
): Promise<{ candidate: CandidateReport; warning?: string }> {
  const fail = (reason: string) => ({ candidate: { name: spec.name, ok: false, reason } });
  if (spec.package && !(await probes.isInstalled(spec.package))) return fail('not installed');

  const notes: string[] = [];
  let warning: string | undefined;
  if (spec.needsCuda) {
    const cuda = await probes.detectCuda();
    if (cuda.found) {
      notes.push(`CUDA device: ${cuda.detail}`);
    } else if (!forced) {
      return fail(`no CUDA device found (${cuda.detail})`);
    } else {
      // Forcing trusts the user over our detection (which can miss exotic set-ups), but says so.
      warning = `${BACKEND_ENV}=${spec.name} although no CUDA device was detected (${cuda.detail}); TensorFlow may run on the CPU.`;
    }
  }

  if (spec.package) {
    try {
      await probes.load(spec.package);
    } catch (error) {
      return fail(isMissingPackage(spec.package, error) ? 'not installed' : `failed to load: ${errorReason(error)}`);
    }
  }
  try {
    await probes.activate(spec.tfBackend);
  } catch (error) {
    return fail(`failed to initialise: ${errorReason(error)}`);
  }

  if (spec.name === 'cpu') warning = CPU_WARNING;
  if (forced) notes.push(`forced by ${BACKEND_ENV}`);
  const reason = notes.length ? `works (${notes.join('; ')})` : 'works';
  return { candidate: { name: spec.name, ok: true, reason }, ...(warning ? { warning } : {}) };
}

function notTried(forced: BackendName): string {
  return `not tried: ${BACKEND_ENV}=${forced}`;
}

function installHint(name: BackendName, reason: string | undefined): string {
  if (reason !== 'not installed') return '';
  const spec = backendSpecs.find((candidate) => candidate.name === name);
  return spec?.package ? ` (install ${spec.package}, or unset ${BACKEND_ENV} to use the best backend that works)` : '';
}
