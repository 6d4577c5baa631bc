import { describe, expect, it } from 'vitest';
import { type BackendPackage, ComputeBackendError, type TfBackendName } from '../../../src/compute/backends.js';
import type { ComputeProbes } from '../../../src/compute/probes.js';
import { NOT_NEEDED, selectBackend } from '../../../src/compute/select.js';

interface World {
  installed?: BackendPackage[];
  cuda?: boolean;
  /** Packages whose import throws this error. */
  loadErrors?: Partial<Record<BackendPackage, Error>>;
  /** TF.js backends that fail to initialise. */
  broken?: TfBackendName[];
}

/** Probes for an imaginary machine; records what was activated so nothing touches the real TF.js engine. */
function fakeProbes(world: World): ComputeProbes & { activated: TfBackendName[]; loaded: BackendPackage[] } {
  const activated: TfBackendName[] = [];
  const loaded: BackendPackage[] = [];
  return {
    activated,
    loaded,
    isInstalled: (pkg) => (world.installed ?? []).includes(pkg),
    detectCuda: async () =>
      world.cuda ? { found: true, detail: '/proc/driver/nvidia/gpus/0000:01:00.0' } : { found: false, detail: 'checked /dev/nvidia0' },
    load: async (pkg) => {
      const error = world.loadErrors?.[pkg];
      if (error) throw error;
      loaded.push(pkg);
    },
    activate: async (name) => {
      if (world.broken?.includes(name)) throw new Error(`${name} exploded`);
      activated.push(name);
    },
  };
}

const allPackages: BackendPackage[] = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm'];
const noEnv = {};

describe('selectBackend with simulated probes', () => {
  it('uses tfjs-node-gpu when a CUDA device is present and the package loads', async () => {
    const probes = fakeProbes({ installed: allPackages, cuda: true });
    const report = await selectBackend({ env: noEnv, probes });
    expect(report).toMatchObject({ backend: 'tfjs-node-gpu', tfBackend: 'tensorflow', forced: false });
    expect(report.warning).toBeUndefined();
    expect(report.candidates).toEqual([
      { name: 'tfjs-node-gpu', ok: true, reason: 'works (CUDA device: /proc/driver/nvidia/gpus/0000:01:00.0)' },
      { name: 'tfjs-node', ok: null, reason: NOT_NEEDED },
      { name: 'wasm', ok: null, reason: NOT_NEEDED },
      { name: 'cpu', ok: null, reason: NOT_NEEDED },
    ]);
    expect(probes.activated).toEqual(['tensorflow']);
    expect(probes.loaded).toEqual(['@tensorflow/tfjs-node-gpu']);
  });

  it('skips tfjs-node-gpu without CUDA and does not even load it', async () => {
    const probes = fakeProbes({ installed: allPackages, cuda: false });
    const report = await selectBackend({ env: noEnv, probes });
    expect(report.backend).toBe('tfjs-node');
    expect(report.candidates[0]).toMatchObject({ name: 'tfjs-node-gpu', ok: false });
    expect(report.candidates[0]?.reason).toMatch(/^no CUDA device found/);
    expect(report.candidates[1]).toEqual({ name: 'tfjs-node', ok: true, reason: 'works' });
    expect(probes.loaded).toEqual(['@tensorflow/tfjs-node']);
  });

  it('reports a package that is present but throws as "failed to load: …"', async () => {
    const libtf = new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory\n    at Module._extensions');
    const probes = fakeProbes({
      installed: allPackages,
      cuda: true,
      loadErrors: { '@tensorflow/tfjs-node-gpu': libtf, '@tensorflow/tfjs-node': libtf },
    });
    const report = await selectBackend({ env: noEnv, probes });
    expect(report.backend).toBe('wasm');
    const reason = 'failed to load: libtensorflow.so.2: cannot open shared object file: No such file or directory';
    expect(report.candidates.slice(0, 2)).toEqual([
      { name: 'tfjs-node-gpu', ok: false, reason },
      { name: 'tfjs-node', ok: false, reason },
    ]);
  });

  it('treats a not-found error for the package itself as "not installed", for a file inside it as a load failure', async () => {
    const missing = Object.assign(new Error("Cannot find package '@tensorflow/tfjs-node-gpu' imported from /x.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const binding = Object.assign(
      new Error("Cannot find module '/app/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node'"),
      { code: 'MODULE_NOT_FOUND' },
    );
    const probes = fakeProbes({
      installed: allPackages,
      cuda: true,
      loadErrors: { '@tensorflow/tfjs-node-gpu': missing, '@tensorflow/tfjs-node': binding },
    });
    const report = await selectBackend({ env: noEnv, probes });
    expect(report.candidates[0]?.reason).toBe('not installed');
    expect(report.candidates[1]?.reason).toMatch(/^failed to load: Cannot find module '.*tfjs_binding\.node'$/);
  });

  it('falls back to cpu with a warning when wasm cannot initialise', async () => {
    const probes = fakeProbes({ installed: ['@tensorflow/tfjs-backend-wasm'], broken: ['wasm'] });
    const report = await selectBackend({ env: noEnv, probes });
    expect(report).toMatchObject({ backend: 'cpu', tfBackend: 'cpu' });
    expect(report.warning).toMatch(/too slow to train/);
    expect(report.candidates.map((c) => [c.name, c.ok, c.reason])).toEqual([
      ['tfjs-node-gpu', false, 'not installed'],
      ['tfjs-node', false, 'not installed'],
      ['wasm', false, 'failed to initialise: wasm exploded'],
      ['cpu', true, 'works'],
    ]);
  });

  it('fails with every reason when nothing works', async () => {
    const probes = fakeProbes({ broken: ['cpu'] });
    const error = await selectBackend({ env: noEnv, probes }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComputeBackendError);
    expect((error as Error).message).toMatch(/^no TensorFlow.js backend works \(tfjs-node-gpu: not installed; .*cpu: failed to initialise: cpu exploded\)$/);
  });
});

describe('LONGHAND_BACKEND', () => {
  it.each(['cpu', 'wasm'] as const)('forces %s and leaves the others untried', async (name) => {
    const probes = fakeProbes({ installed: allPackages, cuda: true });
    const report = await selectBackend({ env: { LONGHAND_BACKEND: name }, probes });
    expect(report).toMatchObject({ backend: name, tfBackend: name, forced: true });
    expect(probes.activated).toEqual([name]);
    for (const candidate of report.candidates) {
      if (candidate.name === name) expect(candidate).toEqual({ name, ok: true, reason: `works (forced by LONGHAND_BACKEND)` });
      else expect(candidate).toEqual({ name: candidate.name, ok: null, reason: `not tried: LONGHAND_BACKEND=${name}` });
    }
    expect(report.warning === undefined).toBe(name !== 'cpu');
  });

  it('errors, naming why, when the forced backend is not installed', async () => {
    const probes = fakeProbes({ installed: ['@tensorflow/tfjs-backend-wasm'] });
    const error = await selectBackend({ env: { LONGHAND_BACKEND: 'tfjs-node' }, probes }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComputeBackendError);
    expect((error as Error).message).toMatch(/^LONGHAND_BACKEND=tfjs-node: not installed \(install @tensorflow\/tfjs-node/);
    expect((error as ComputeBackendError).forced).toBe(true);
    expect(probes.activated).toEqual([]);
  });

  it('errors, naming why, when the forced backend fails to load', async () => {
    const probes = fakeProbes({ installed: allPackages, loadErrors: { '@tensorflow/tfjs-node': new Error('bad ELF header') } });
    await expect(selectBackend({ env: { LONGHAND_BACKEND: 'tfjs-node' }, probes })).rejects.toThrow(
      'LONGHAND_BACKEND=tfjs-node: failed to load: bad ELF header',
    );
  });

  it('lets a forced tfjs-node-gpu try without a detected CUDA device, with a warning', async () => {
    const probes = fakeProbes({ installed: allPackages, cuda: false });
    const report = await selectBackend({ env: { LONGHAND_BACKEND: 'tfjs-node-gpu' }, probes });
    expect(report.backend).toBe('tfjs-node-gpu');
    expect(report.warning).toMatch(/no CUDA device was detected/);
  });

  it('rejects an unknown value', async () => {
    await expect(selectBackend({ env: { LONGHAND_BACKEND: 'cuda' }, probes: fakeProbes({}) })).rejects.toThrow(
      'LONGHAND_BACKEND must be one of tfjs-node-gpu, tfjs-node, wasm, cpu (got "cuda")',
    );
  });

  it('ignores an empty value', async () => {
    const report = await selectBackend({ env: { LONGHAND_BACKEND: '' }, probes: fakeProbes({ installed: allPackages }) });
    expect(report).toMatchObject({ backend: 'tfjs-node', forced: false });
  });
});
