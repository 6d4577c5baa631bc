/**
 * What `npm start` builds before launching Electron (which cannot run here): the esbuild bundles of the main
 * process, the preload, the worker and the training replica, and the native-module step. The bundled worker is run
 * for real (as a worker thread, which speaks the same protocol as the utilityProcess) and loads a model with
 * TensorFlow.js; the bundled replica trains beside this thread exactly as one thread does.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerHost } from '../../../src/worker/host.js';
import { threadWorkerSpawner } from '../../../src/worker/threads.js';
import { tf } from '../../../src/compute/tf.js';
import { LanguageModel } from '../../../src/model/languageModel.js';
import { createTrainer } from '../../../src/train/lm/step.js';
import { dataParallelLm } from '../../../src/train/parallel/coordinator.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const FIXTURE_MODEL = path.join(ROOT, 'test/fixtures/checkpoints/keras-char-lm');

/** Packages a bundle loads at run time (Node's own modules left out). */
const importsOf = (code: string) =>
  new Set(
    [...code.matchAll(/(?:from\s+|require\()["']([^"']+)["']/g)]
      .map((m) => m[1]!)
      .filter((m) => !m.startsWith('node:') && !builtinModules.includes(m.split('/')[0]!)),
  );

describe('the Electron build', () => {
  let out = '';
  beforeAll(async () => {
    out = fs.mkdtempSync(path.join(ROOT, 'dist', 'electron-test-'));
    const { buildElectron } = (await import(path.join(ROOT, 'scripts/build-electron.mjs'))) as { buildElectron(dir: string): Promise<string> };
    await buildElectron(out);
  });
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('bundles main (ESM), preload (CommonJS, electron only), worker and replica', () => {
    expect(fs.readdirSync(out).filter((f) => !f.endsWith('.map')).sort()).toEqual(['main.js', 'preload.cjs', 'replicaEntry.js', 'worker.js']);
    expect([...importsOf(fs.readFileSync(path.join(out, 'replicaEntry.js'), 'utf8'))].every((m) => m.startsWith('@tensorflow/'))).toBe(true);
    const preload = fs.readFileSync(path.join(out, 'preload.cjs'), 'utf8');
    expect(importsOf(preload)).toEqual(new Set(['electron']));
    expect(preload).toContain('exposeInMainWorld("longhand"');
    // The main process never loads TensorFlow.js: only the worker does.
    expect(importsOf(fs.readFileSync(path.join(out, 'main.js'), 'utf8'))).toEqual(new Set(['electron', 'better-sqlite3']));
    const worker = [...importsOf(fs.readFileSync(path.join(out, 'worker.js'), 'utf8'))];
    expect(worker).not.toContain('electron');
    expect(worker.length).toBeGreaterThan(0);
    expect(worker.every((m) => m.startsWith('@tensorflow/'))).toBe(true);
  });

  it('runs the bundled worker: ready with a backend, and it loads a TF.js Layers model', async () => {
    const crashes: string[] = [];
    const host = new WorkerHost({
      spawn: threadWorkerSpawner({ entry: path.join(out, 'worker.js'), env: { ...process.env, LONGHAND_BACKEND: 'cpu' } }),
      onCrash: (c) => crashes.push(c.reason),
    });
    host.start();
    try {
      await expect(host.ready()).resolves.toMatchObject({ chosen: 'cpu' });
      const info = await host.call('inspect', { dir: FIXTURE_MODEL });
      expect(info).toMatchObject({ kind: 'lm', config: { embed: 4, hidden: 5, layers: 2, cell: 'lstm', level: 'char' } });
      await expect(host.call('complete', { checkpoint: { dir: FIXTURE_MODEL, sha256: '0'.repeat(64), step: 0 }, request: { text: 'x', n: 1, maxTokens: 1 } })).rejects.toMatchObject({ name: 'Unavailable' });
    } finally {
      await host.shutdown();
    }
    expect(crashes).toEqual([]);
  });

  it('runs the bundled replica: two replicas train as one thread does', async () => {
    await tf.setBackend('cpu');
    const config = { vocabSize: 12, embedDim: 4, hiddenSize: 8, layers: 1, cell: 'lstm' as const, dropout: 0 };
    const settings = { batch: 4, lr: 0.05, clip: 5, seed: 0 };
    const ids = Int32Array.from({ length: 4 * 6 }, (_, i) => (i * 7) % 12);
    const batch = { x: ids, y: ids.map((v) => (v + 1) % 12), batch: 4, steps: 6 };
    const [one, two] = [LanguageModel.init(config, 1), LanguageModel.init(config, 1)];
    const single = createTrainer(one, { optimizer: 'adam', lr: settings.lr, clipNorm: settings.clip });
    const x = tf.tensor2d(batch.x, [4, 6], 'int32');
    const y = tf.tensor2d(batch.y, [4, 6], 'int32');
    const own = createTrainer(two, { optimizer: 'adam', lr: settings.lr, clipNorm: settings.clip });
    const parallel = await dataParallelLm(own, 2, settings, { replicaEntry: path.join(out, 'replicaEntry.js') });
    try {
      for (let i = 0; i < 3; i++) {
        const expected = single.step(x, y, settings.lr);
        const got = await parallel.step(batch, settings.lr);
        expect(got.loss).toBeCloseTo(expected, 5);
      }
    } finally {
      await parallel.stop();
      tf.dispose([x, y]);
      [single, own].forEach((t) => t.dispose());
      [one, two].forEach((m) => m.dispose());
    }
  });

  it('knows which Electron to build SQLite for (the build itself needs network access)', () => {
    const output = execFileSync(process.execPath, [path.join(ROOT, 'scripts/electron-native.mjs'), '--dry-run'], { encoding: 'utf8' });
    const electron = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
    expect(output).toContain(`for Electron ${electron}`);
    expect(output).toContain(path.join('dist', 'native', 'electron', 'better_sqlite3.node'));
  });
});
