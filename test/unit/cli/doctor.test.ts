import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatBytes, freeSpace } from '../../../src/cli/commands/doctor.js';
import { main } from '../../../src/cli/main.js';
import { captureIo } from '../../helpers/cli.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'longhand-doctor-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('longhand doctor', () => {
  // First: a failed initialisation is not remembered, a successful one is (for the rest of this file).
  it('exits 1 with the reason when the forced backend is missing, still printing the report', async () => {
    const io = captureIo({ ...process.env, LONGHAND_HOME: tmp, LONGHAND_BACKEND: 'tfjs-node' });
    expect(await main(['doctor', '--json'], io)).toBe(1);
    const report = JSON.parse(io.stdout()) as Record<string, unknown>;
    expect(report).toMatchObject({ ok: false, backend: null, forced: true });
    expect(report.error).toMatch(/^LONGHAND_BACKEND=tfjs-node: not installed/);
    expect(report.candidates).toContainEqual({ name: 'tfjs-node', ok: false, reason: 'not installed' });

    const human = captureIo({ ...process.env, LONGHAND_HOME: tmp, LONGHAND_BACKEND: 'tfjs-node' });
    expect(await main(['doctor'], human)).toBe(1);
    expect(human.stdout()).toContain('Compute backend: none works');
    expect(human.stderr()).toMatch(/^longhand: LONGHAND_BACKEND=tfjs-node: not installed .*\n$/);
  });

  it('--json reports the backend, candidates, versions, data directory and free space; exit 0', async () => {
    const home = path.join(tmp, 'not', 'yet', 'created');
    const io = captureIo({ ...process.env, LONGHAND_HOME: home, LONGHAND_BACKEND: '' });
    expect(await main(['doctor', '--json'], io)).toBe(0);
    expect(io.stderr()).toBe('');
    const lines = io.stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(report).toMatchObject({
      ok: true,
      backend: 'wasm',
      tfBackend: 'wasm',
      forced: false,
      dataDir: home,
      dataDirExists: false,
      versions: { node: process.versions.node, tfjs: '4.22.0', longhand: expect.any(String), sqlite: expect.stringMatching(/^3\.\d+/) },
    });
    expect(report.freeBytes).toBeGreaterThan(0);
    expect(report.training).toMatchObject({ threads: Math.min(256, os.availableParallelism()), cores: os.availableParallelism() });
    expect((report.training as { mode: string }).mode).toBe(os.availableParallelism() > 1 ? 'replicas' : 'none');
    expect(report.candidates).toEqual([
      { name: 'tfjs-node-gpu', ok: false, reason: 'not installed' },
      { name: 'tfjs-node', ok: false, reason: 'not installed' },
      { name: 'wasm', ok: true, reason: 'works' },
      { name: 'cpu', ok: null, reason: 'not needed: a better backend works' },
    ]);
  });

  it('shows the training threads: LONGHAND_THREADS sets them, a bad value is a problem, not a crash', async () => {
    const io = captureIo({ ...process.env, LONGHAND_HOME: tmp, LONGHAND_BACKEND: '', LONGHAND_THREADS: '3' });
    expect(await main(['doctor'], io)).toBe(0);
    expect(io.stdout()).toMatch(/^Training threads: 3 of \d+ cores — 3 model replicas in worker threads \(data parallelism on wasm; a batch of fewer than 24 rows uses fewer\)$/m);
    const bad = captureIo({ ...process.env, LONGHAND_HOME: tmp, LONGHAND_BACKEND: '', LONGHAND_THREADS: 'many' });
    expect(await main(['doctor', '--json'], bad)).toBe(0);
    const report = JSON.parse(bad.stdout()) as { training: unknown; problems: string[] };
    expect(report.training).toBeNull();
    expect(report.problems).toContain('LONGHAND_THREADS must be a whole number from 1 to 256 (got "many")');
  });

  it('prints a readable report', async () => {
    mkdirSync(path.join(tmp, 'home'), { recursive: true });
    const io = captureIo({ ...process.env, LONGHAND_HOME: path.join(tmp, 'home'), LONGHAND_BACKEND: '' });
    expect(await main(['doctor'], io)).toBe(0);
    const out = io.stdout();
    expect(out).toContain('Compute backend: wasm');
    expect(out).toMatch(/no {2}tfjs-node-gpu {2}not installed/);
    expect(out).toMatch(/ok {2}wasm +works/);
    expect(out).toContain(`Data directory: ${path.join(tmp, 'home')}\n`);
    expect(out).toMatch(/Free space: [\d.]+ [KMGTP]?B/);
  });
});

describe('doctor helpers', () => {
  it('measures free space on the nearest existing ancestor', async () => {
    expect(await freeSpace(path.join(tmp, 'a', 'b', 'c'))).toBeGreaterThan(0);
  });

  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1500, '1.5 KB'],
    [83_168_837_632, '83.2 GB'],
  ])('formats %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
