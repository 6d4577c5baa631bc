/** The store-free training job: what it writes to its checkpoint directory and reports, resuming, diverging. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveLmConfig } from '../../../src/train/config.js';
import { runTrainingJob } from '../../../src/train/job.js';
import type { JobEvent, LmJobSpec } from '../../../src/train/jobSpec.js';
import { useBackend } from '../../helpers/tf.js';
import { TINY, shakespeare } from './helpers.js';

let checkpointDir: string;
beforeEach(() => {
  checkpointDir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-job-'));
});
afterEach(() => fs.rmSync(checkpointDir, { recursive: true, force: true }));

const spec = (config: object, resumeFrom: LmJobSpec['resumeFrom'] = []): LmJobSpec => ({
  kind: 'lm',
  runId: 1,
  name: 'job',
  checkpointDir,
  resumeFrom,
  config: resolveLmConfig({ ...TINY, checkpointEvery: 4, evalEvery: 0, validationFraction: 0.1, testFraction: 0, ...config }),
  text: { kind: 'documents', documents: [shakespeare()] },
});

function collect(): { events: JobEvent[]; onEvent: (e: JobEvent) => void } {
  const events: JobEvent[] = [];
  return { events, onEvent: (e) => events.push(e) };
}

describe('the training job', () => {
  it('trains, keeps the best and last checkpoint directories, reports pruned steps, and resumes from a known checkpoint', async () => {
    await useBackend('cpu');
    const first = collect();
    const done = await runTrainingJob(spec({ budget: { steps: 12 } }), first, { progressIntervalMs: 0 });
    expect(done).toMatchObject({ outcome: 'completed', step: 12, totalSteps: 12, resumedFromStep: null });
    const saved = first.events.flatMap((e) => (e.type === 'checkpoint' ? [e.checkpoint] : []));
    // 4 is best until the final evaluation at 12 (evalEvery 0) beats it: then 4 and 8 go.
    expect(saved.map((c) => [c.step, c.isBest, c.prunedSteps])).toEqual([
      [4, true, []],
      [8, false, []],
      [12, true, [4, 8]],
    ]);
    expect(first.events[0]).toEqual({ type: 'resumed', step: null, kept: null, rejected: [] });
    expect(fs.readdirSync(checkpointDir)).toEqual(['12']);

    const twelve = saved[2]!;
    const wrong = { step: 12, dir: twelve.dir, sha256: 'f'.repeat(64) };
    const refused = await runTrainingJob(spec({ budget: { steps: 16 } }, [wrong]), collect(), { progressIntervalMs: 0 });
    expect(refused).toMatchObject({ outcome: 'completed', resumedFromStep: null, step: 16 });
    expect(refused.warnings[0]).toMatch(/could not use checkpoint at step 12: .*does not match the sha256/);

    fs.rmSync(checkpointDir, { recursive: true, force: true });
    const again = collect();
    const retrained = collect();
    await runTrainingJob(spec({ budget: { steps: 12 } }), retrained, { progressIntervalMs: 0 });
    const known = retrained.events.flatMap((e) => (e.type === 'checkpoint' && e.checkpoint.step === 12 ? [{ step: 12, dir: e.checkpoint.dir, sha256: e.checkpoint.sha256 }] : []));
    const resumed = await runTrainingJob(spec({ budget: { steps: 16 } }, known), again, { progressIntervalMs: 0 });
    expect(resumed).toMatchObject({ outcome: 'completed', step: 16, resumedFromStep: 12 });
    expect(again.events[0]).toEqual({ type: 'resumed', step: 12, kept: { best: 12, last: 12 }, rejected: [] });
    const steps = again.events.flatMap((e) => (e.type === 'progress' ? [e.progress.step] : []));
    expect(steps[0]).toBe(13);
  });

  it('recovers from a divergence at a lower learning rate, and fails with a one-line reason on text it cannot train on', async () => {
    await useBackend('cpu');
    const events = collect();
    const recovered = await runTrainingJob(spec({ lr: 1, clip: 0, warmupSteps: 0, hidden: 64, embed: 32, budget: { steps: 60 } }), events);
    // lr 1 diverges; the job goes back to its last good checkpoint and finishes at 0.5 (a second divergence would
    // end the run: test/unit/train/rollback.test.ts).
    expect(recovered).toMatchObject({ outcome: 'completed', step: 60 });
    const back = events.events.filter((e) => e.type === 'rolledBack');
    expect(back).toMatchObject([{ lrScale: 0.5 }]);
    expect(recovered.warnings).toEqual([expect.stringMatching(/^diverged at step \d+: the smoothed loss rose to .*; went back to .* and went on with the learning rate × 0.5$/)]);
    const lrs = (from: number, to?: number) => events.events.slice(from, to).flatMap((e) => (e.type === 'metrics' ? e.points.filter((p) => p.name === 'lr').map((p) => p.value) : []));
    const at = events.events.indexOf(back[0]!);
    expect(Math.max(...lrs(0, at))).toBe(1);
    expect(Math.max(...lrs(at))).toBeLessThanOrEqual(0.5);
    const empty = await runTrainingJob({ ...spec({}), text: { kind: 'documents', documents: ['  '] } }, {});
    expect(empty).toMatchObject({ outcome: 'failed', reason: 'the training text is empty' });
    expect(empty.resumable).toBeUndefined();
  });
});
