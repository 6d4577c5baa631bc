import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLanguageModelCheckpoint, verifyCheckpointDir, writeCheckpointDir } from '../../../src/model/checkpoint/index.js';
import { CheckpointDir, type ResumePoint } from '../../../src/train/checkpointDir.js';
import { checkExportTarget, exportCheckpoint } from '../../../src/train/exportCheckpoint.js';
import { initialLoopState } from '../../../src/train/loop.js';
import { RunRecorder } from '../../../src/train/recorder.js';
import { INTERRUPT } from '../../../src/train/task.js';
import { trainRun } from '../../../src/train/trainRun.js';
import { tf } from '../../../src/compute/tf.js';
import { weightEntries } from '../../../src/model/weights.js';
import { useBackend } from '../../helpers/tf.js';
import { lmRun, shakespeare, useStore } from './helpers.js';

const write = (label: string) => (dir: string) => writeCheckpointDir(dir, { 'weights.bin': new Uint8Array(64).fill(label.length) }, { metadata: { label } });

/** A resume point that only verifies the files, with `bestValStep` as its loop's best. */
const verifying = (bestValStep: number | null) => async (dir: string, sha256: string): Promise<ResumePoint> => {
  await verifyCheckpointDir(dir, sha256);
  return { step: Number(path.basename(dir)), loop: { ...initialLoopState(), bestValStep }, dispose: () => undefined };
};

describe('a run’s checkpoint directory', () => {
  const ctx = useStore();

  it('keeps only the best and the last on disk, and says which it deleted', async () => {
    const dir = path.join(ctx.dir(), 'run');
    const cps = new CheckpointDir(dir, verifying(null));
    const flags = [true, false, true, false, false];
    const pruned: number[][] = [];
    for (const [i, best] of flags.entries()) {
      const saved = await cps.save(i + 1, { valLoss: 5 - i }, best, write(`step${i + 1}`));
      expect(saved).toMatchObject({ step: i + 1, isLast: true, isBest: best || i === 0 });
      expect(saved.sha256).toMatch(/^[0-9a-f]{64}$/);
      pruned.push(saved.prunedSteps);
    }
    expect(pruned).toEqual([[], [], [1, 2], [], [4]]);
    expect((await fs.readdir(dir)).sort()).toEqual(['3', '5']);
  });

  it('resumes from the newest known checkpoint that verifies; temporaries, orphans and what it cannot use go', async () => {
    const dir = path.join(ctx.dir(), 'run');
    const cps = new CheckpointDir(dir, verifying(2));
    const two = await cps.save(2, {}, true, write('two'));
    const four = await cps.save(4, {}, false, write('four'));
    await fs.writeFile(path.join(dir, '4', 'weights.bin'), 'garbage');
    await fs.mkdir(path.join(dir, '6')); // written, never recorded
    await fs.mkdir(path.join(dir, '.8.tmp-0123456789ab')); // a write killed half-way
    const known = [four, two].map((c) => ({ step: c.step, dir: c.dir, sha256: c.sha256 }));
    const resumed = await new CheckpointDir(dir, verifying(2)).resume(known);
    expect(resumed.point?.step).toBe(2);
    expect(resumed.kept).toEqual({ best: 2, last: 2 });
    expect(resumed.rejected).toHaveLength(1);
    expect(resumed.rejected[0]).toMatch(/^step 4: .*weights\.bin/);
    expect(await fs.readdir(dir)).toEqual(['2']);
  });

  it('starts afresh when the record knows no checkpoint, clearing what was never recorded', async () => {
    const dir = path.join(ctx.dir(), 'run');
    await new CheckpointDir(dir, verifying(null)).save(3, {}, true, write('three'));
    const resumed = await new CheckpointDir(dir, verifying(null)).resume([]);
    expect(resumed).toEqual({ point: null, kept: null, rejected: [] });
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('exports a verified copy and refuses to overwrite a folder that is not a checkpoint', async () => {
    const saved = await new CheckpointDir(path.join(ctx.dir(), 'run'), verifying(null)).save(1, {}, true, write('one'));
    const out = path.join(ctx.dir(), 'out');
    const digest = await exportCheckpoint(saved.dir, saved.sha256, out);
    expect(digest.sha256).toBe(saved.sha256);
    await exportCheckpoint(saved.dir, saved.sha256, out); // replacing a checkpoint is fine
    await fs.writeFile(path.join(ctx.dir(), 'notes.txt'), 'mine');
    await expect(checkExportTarget(ctx.dir())).rejects.toThrow(/not empty and is not a Longhand checkpoint/);
    await expect(checkExportTarget(path.join(ctx.dir(), 'notes.txt'))).rejects.toThrow(/not a directory/);
  });
});

describe('checkpoints of a recorded training run', () => {
  const ctx = useStore();

  it('rows follow the directory: pruned as it trains; a resume skips a corrupt last for the best and drops its row', async () => {
    await useBackend('cpu');
    const store = ctx.store();
    const { runId } = lmRun(store, shakespeare(), { checkpointEvery: 3, budget: { steps: 20 } });
    const controller = new AbortController();
    const first = await trainRun(store, runId, {
      signal: controller.signal,
      loop: { progressIntervalMs: 0 },
      onEvent: (e) => e.type === 'progress' && e.progress.step === 12 && controller.abort(INTERRUPT),
    });
    expect(first.status).toBe('interrupted');
    const rows = store.checkpoints.listByRun(runId);
    expect(rows.map((r) => [r.step, r.isBest, r.isLast])).toEqual([
      [10, true, false],
      [12, false, true],
    ]);
    expect(rows[0]!.path).toBe(`models/${runId}/10`);
    const runDir = new RunRecorder(store, runId).checkpointDir;
    expect((await fs.readdir(runDir)).filter((n) => /^\d+$/.test(n)).sort()).toEqual(['10', '12']);

    await fs.appendFile(path.join(runDir, '12', 'weights.bin'), 'x');
    const resumed = await trainRun(store, runId, { resume: true });
    expect(resumed).toMatchObject({ status: 'finished', resumedFromStep: 10, step: 20 });
    expect(resumed.warnings[0]).toMatch(/could not use checkpoint at step 12: .*weights\.bin/);
    expect(store.metrics.list(runId, { name: 'loss', split: 'train' }).map((m) => m.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const last = store.checkpoints.last(runId)!;
    const loaded = await loadLanguageModelCheckpoint(path.join(ctx.dir(), last.path), { expectedSha256: last.sha256 });
    expect(loaded.meta?.step).toBe(20);
    tf.dispose([...weightEntries(loaded.weights).map(([, t]) => t), ...(loaded.optimizer?.state.map((s) => s.tensor) ?? [])]);
  });
});
