/**
 * A training run SIGKILLed in the middle of a checkpoint write resumes from the previous good checkpoint and
 * finishes: a real child process (node --import tsx) trains, the parent kills it while it writes the
 * checkpoint of step 8, then resumes the run in-process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyCheckpointDir } from '../../../src/model/checkpoint/index.js';
import { openStore } from '../../../src/store/index.js';
import { trainLanguageModel } from '../../../src/train/trainLanguageModel.js';
import { useBackend } from '../../helpers/tf.js';

const child = fileURLToPath(new URL('./killedTrainer.child.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const text = fileURLToPath(new URL('../../fixtures/text/shakespeare-20k.txt', import.meta.url));

function startChild(args: string[]): { proc: ChildProcess; until: (line: string) => Promise<string[]> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffer = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  proc.stderr!.on('data', (chunk: Buffer) => void (stderr += String(chunk)));
  proc.stdout!.on('data', (chunk: Buffer) => {
    buffer += String(chunk);
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
    waiters.forEach((wake) => wake());
  });
  const until = (line: string) =>
    new Promise<string[]>((resolve, reject) => {
      const check = () => lines.includes(line) && resolve([...lines]);
      proc.once('exit', (code) => reject(new Error(`trainer exited (${code}) after ${JSON.stringify(lines)}: ${stderr.slice(-2000)}`)));
      waiters.push(check);
      check();
    });
  return { proc, until };
}

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-killed-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('a training run killed during a checkpoint write', () => {
  it('resumes from the previous good checkpoint and finishes', async () => {
    const setup = openStore(dataDir);
    const runId = setup.runs.create({ kind: 'lm', name: 'killed' }).id;
    setup.close();

    const { proc, until } = startChild([dataDir, String(runId), text, '8']);
    try {
      expect(await until('writing 8')).toEqual(['saved 4', 'writing 8']);
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((resolve) => proc.once('exit', resolve));
        proc.kill('SIGKILL');
        await exited;
      }
    }
    const runDir = path.join(dataDir, 'models', String(runId));
    expect(fs.readdirSync(runDir).some((name) => name.startsWith('.8.tmp-'))).toBe(true);

    await useBackend('cpu');
    const store = openStore(dataDir);
    try {
      expect(store.runs.get(runId)!.status).toBe('running');
      const statuses: string[] = [];
      const result = await trainLanguageModel({ runId, store, resume: true }, { onStatus: (s) => statuses.push(s.status) });
      expect(statuses).toEqual(['interrupted', 'running', 'finished']);
      expect(result).toMatchObject({ status: 'finished', resumedFromStep: 4, step: 12, warnings: [] });
      expect(store.metrics.list(runId, { name: 'loss', split: 'train' }).map((m) => m.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(fs.readdirSync(runDir).filter((name) => name.startsWith('.'))).toEqual([]);
      const last = store.checkpoints.last(runId)!;
      expect(last.step).toBe(12);
      await verifyCheckpointDir(path.join(dataDir, last.path), last.sha256);
    } finally {
      store.close();
    }
  });
});
