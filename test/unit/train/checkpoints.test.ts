import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLanguageModelCheckpoint, writeCheckpointDir } from '../../../src/model/checkpoint/index.js';
import { RunCheckpoints, checkExportTarget, exportCheckpoint } from '../../../src/train/checkpoints.js';
import { INTERRUPT } from '../../../src/train/task.js';
import { trainLanguageModel } from '../../../src/train/trainLanguageModel.js';
import { tf } from '../../../src/compute/tf.js';
import { weightEntries } from '../../../src/model/weights.js';
import { useBackend } from '../../helpers/tf.js';
import { TINY, shakespeare, useStore } from './helpers.js';

const write = (label: string) => (dir: string) => writeCheckpointDir(dir, { 'weights.bin': new Uint8Array(64).fill(label.length) }, { metadata: { label } });

describe('run checkpoints', () => {
  const ctx = useStore();

  it('keep only the best and the last, in rows and on disk', async () => {
    const store = ctx.store();
    const run = store.runs.create({ kind: 'lm', name: 'r' });
    const cps = new RunCheckpoints(store, run.id);
    const flags = [true, false, true, false, false];
    for (const [i, best] of flags.entries()) {
      const saved = await cps.save(i + 1, { valLoss: 5 - i }, best, write(`step${i + 1}`));
      expect(saved).toMatchObject({ step: i + 1, isLast: true });
    }
    const rows = store.checkpoints.listByRun(run.id);
    expect(rows.map((r) => [r.step, r.isBest, r.isLast])).toEqual([
      [3, true, false],
      [5, false, true],
    ]);
    expect(rows[0]!.path).toBe(path.join('models', String(run.id), '3'));
    expect((await fs.readdir(cps.dir)).sort()).toEqual(['3', '5']);
    expect(rows[1]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('before a resume: drop temporaries and orphans, fall back from a corrupt last to the best', async () => {
    const store = ctx.store();
    const run = store.runs.create({ kind: 'lm', name: 'r' });
    const cps = new RunCheckpoints(store, run.id);
    await cps.save(2, {}, true, write('two'));
    await cps.save(4, {}, false, write('four'));
    await fs.writeFile(path.join(cps.dir, '4', 'weights.bin'), 'garbage');
    await fs.mkdir(path.join(cps.dir, '6')); // written, never recorded
    await fs.mkdir(path.join(cps.dir, '.8.tmp-0123456789ab')); // a write killed half-way
    const { verifyCheckpointDir } = await import('../../../src/model/checkpoint/index.js');
    const found = await cps.prepareResume((dir, row) => verifyCheckpointDir(dir, row.sha256));
    expect(found.row?.step).toBe(2);
    expect(found.rejected).toHaveLength(1);
    expect(found.rejected[0]).toMatch(/^step 4: .*weights\.bin/);
    expect(store.checkpoints.listByRun(run.id).map((r) => [r.step, r.isBest, r.isLast])).toEqual([[2, true, true]]);
    expect(await fs.readdir(cps.dir)).toEqual(['2']);
  });

  it('export a verified copy and refuse to overwrite a folder that is not a checkpoint', async () => {
    const store = ctx.store();
    const run = store.runs.create({ kind: 'lm', name: 'r' });
    const saved = await new RunCheckpoints(store, run.id).save(1, {}, true, write('one'));
    const out = path.join(ctx.dir(), 'out');
    const digest = await exportCheckpoint(saved.dir, saved.sha256, out);
    expect(digest.sha256).toBe(saved.sha256);
    await exportCheckpoint(saved.dir, saved.sha256, out); // replacing a checkpoint is fine
    await fs.writeFile(path.join(ctx.dir(), 'notes.txt'), 'mine');
    await expect(checkExportTarget(ctx.dir())).rejects.toThrow(/not empty and is not a Longhand checkpoint/);
    await expect(checkExportTarget(path.join(ctx.dir(), 'notes.txt'))).rejects.toThrow(/not a directory/);
  });
});

describe('checkpoints of a training run', () => {
  const ctx = useStore();

  it('prunes as it trains, and a resume skips a corrupt last checkpoint for the best one', async () => {
    await useBackend('cpu');
    const store = ctx.store();
    const run = store.runs.create({ kind: 'lm', name: 'r' });
    const corpus = { kind: 'text' as const, text: shakespeare() };
    const controller = new AbortController();
    const first = await trainLanguageModel(
      { runId: run.id, store, corpus, config: { ...TINY, checkpointEvery: 3, budget: { steps: 20 } }, loop: { progressIntervalMs: 0 } },
      { signal: controller.signal, onProgress: (p) => p.step === 12 && controller.abort(INTERRUPT) },
    );
    expect(first.status).toBe('interrupted');
    const rows = store.checkpoints.listByRun(run.id);
    expect(rows.map((r) => [r.step, r.isBest, r.isLast])).toEqual([
      [10, true, false],
      [12, false, true],
    ]);
    const runDir = path.join(store.modelsDir, String(run.id));
    expect((await fs.readdir(runDir)).sort()).toEqual(['10', '12']);

    await fs.appendFile(path.join(runDir, '12', 'weights.bin'), 'x');
    const resumed = await trainLanguageModel({ runId: run.id, store, corpus, resume: true });
    expect(resumed).toMatchObject({ status: 'finished', resumedFromStep: 10, step: 20 });
    expect(resumed.warnings[0]).toMatch(/could not use checkpoint at step 12: .*weights\.bin/);
    expect(store.metrics.list(run.id, { name: 'loss', split: 'train' }).map((m) => m.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const last = store.checkpoints.last(run.id)!;
    const loaded = await loadLanguageModelCheckpoint(path.join(ctx.dir(), last.path), { expectedSha256: last.sha256 });
    expect(loaded.meta?.step).toBe(20);
    tf.dispose([...weightEntries(loaded.weights).map(([, t]) => t), ...(loaded.optimizer?.state.map((s) => s.tensor) ?? [])]);
  });
});
