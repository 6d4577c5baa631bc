import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobRegistry, TrainingHooks } from '../../../src/worker/jobs.js';
import { type ContractLmConfig, type WorkerHooks, configFromContract, runLanguageModelTraining } from '../../../src/train/workerJob.js';
import { useBackend } from '../../helpers/tf.js';
import { TINY, shakespeare } from './helpers.js';

// The worker's registry slot accepts this function as it is (checked by tsc).
const fits: JobRegistry['trainLanguageModel'] = (spec, hooks: TrainingHooks) => runLanguageModelTraining(spec, hooks);
void fits;

const config: ContractLmConfig = { level: 'char', embed: 8, hidden: 16, layers: 1, cell: 'lstm', batch: 4, seq: 16, lr: 0.002, dropout: 0, budget: { steps: 12 }, validationFraction: 0.1 };

function hooks(overrides: Partial<WorkerHooks> = {}) {
  const events = { checkpoints: [] as { step: number; isBest: boolean; prunedSteps: number[]; sha256: string }[], steps: [] as number[] };
  const h: WorkerHooks = {
    signal: new AbortController().signal,
    pauseRequested: false,
    waitIfPaused: () => Promise.resolve(),
    onProgress: (p) => events.steps.push(p.step),
    onMetrics: () => undefined,
    onCheckpoint: (c) => events.checkpoints.push({ step: c.step, isBest: c.isBest, prunedSteps: c.prunedSteps, sha256: c.sha256 }),
    onSample: () => undefined,
    ...overrides,
  };
  return { h, events };
}

let outputDir: string;
beforeEach(() => {
  outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-worker-job-'));
});
afterEach(() => fs.rmSync(outputDir, { recursive: true, force: true }));

describe('the worker job', () => {
  it('maps the contract config: validationFraction becomes a train/validation split', () => {
    const c = configFromContract(config);
    expect(c.split).toEqual([0.9, 0.1, 0]);
    expect(c).toMatchObject({ embed: 8, hidden: 16, seq: 16, batch: 4, budget: { steps: 12 }, seed: 0, decay: 'cosine' });
  });

  it('trains, keeps the best and last checkpoint directories, reports pruned steps, and resumes', async () => {
    await useBackend('cpu');
    const documents = [{ title: 'a', text: shakespeare() }];
    const spec = { runId: 1, outputDir, resumeFrom: null, config, documents };
    const first = hooks();
    const done = await runLanguageModelTraining(spec, first.h, { config: { ...TINY, checkpointEvery: 4, evalEvery: 0 }, loop: { progressIntervalMs: 0 } });
    expect(done.step).toBe(12);
    expect(first.events.checkpoints.map((c) => c.step)).toEqual([4, 8, 12]);
    // 4 is best until the final evaluation at 12 (evalEvery 0) beats it: then 4 and 8 go.
    expect(first.events.checkpoints.map((c) => [c.step, c.isBest, c.prunedSteps])).toEqual([
      [4, true, []],
      [8, false, []],
      [12, true, [4, 8]],
    ]);
    expect(fs.readdirSync(outputDir)).toEqual(['12']);

    const wrong = { dir: path.join(outputDir, '12'), sha256: 'f'.repeat(64), step: 12 };
    const longer = { ...spec, config: { ...config, budget: { steps: 16 } } };
    const opts = { config: { ...TINY, checkpointEvery: 4, evalEvery: 0 }, loop: { progressIntervalMs: 0 } };
    await expect(runLanguageModelTraining({ ...longer, resumeFrom: wrong }, hooks().h, opts)).rejects.toThrow(/cannot resume: no usable checkpoint \(.*does not match the sha256/);

    const again = hooks();
    const resumed = await runLanguageModelTraining({ ...longer, resumeFrom: { ...wrong, sha256: first.events.checkpoints[2]!.sha256 } }, again.h, opts);
    expect(resumed.step).toBe(16);
    expect(again.events.steps[0]).toBe(13);
    expect(again.events.checkpoints.map((c) => c.step)).toEqual([16]);
  });

  it('rejects with the reason when training diverges', async () => {
    await useBackend('cpu');
    const { h } = hooks();
    const spec = { runId: 1, outputDir, resumeFrom: null, config: { ...config, lr: 1e9, budget: { steps: 30 } }, documents: [{ title: 'a', text: shakespeare() }] };
    await expect(runLanguageModelTraining(spec, h, { config: { ...TINY, clip: 0, warmupSteps: 0 } })).rejects.toThrow(/^diverged at step \d+/);
  });
});
