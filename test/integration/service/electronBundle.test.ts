/**
 * What `npm start` builds before launching Electron (which cannot run here): the esbuild bundles of the main
 * process, the preload and the worker, and the native-module step. The bundled worker is run for real (as a
 * worker thread, which speaks the same protocol as the utilityProcess) and loads a model with TensorFlow.js.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerHost } from '../../../src/worker/host.js';
import { threadWorkerSpawner } from '../../../src/worker/threads.js';

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

  it('bundles main (ESM), preload (CommonJS, electron only) and worker', () => {
    expect(fs.readdirSync(out).filter((f) => !f.endsWith('.map')).sort()).toEqual(['main.js', 'preload.cjs', 'worker.js']);
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

  it('knows which Electron to build SQLite for (the build itself needs network access)', () => {
    const output = execFileSync(process.execPath, [path.join(ROOT, 'scripts/electron-native.mjs'), '--dry-run'], { encoding: 'utf8' });
    const electron = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
    expect(output).toContain(`for Electron ${electron}`);
    expect(output).toContain(path.join('dist', 'native', 'electron', 'better_sqlite3.node'));
  });
});
