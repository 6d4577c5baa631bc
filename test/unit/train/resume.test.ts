/**
 * Resume exactness: N steps straight and N/2 steps, an interruption (checkpoint), then a resume for the rest
 * give the same losses, validation losses and final weights — dropout on, so the dropout seeds must resume too.
 */
import { describe, expect, it } from 'vitest';
import { loadLanguageModelCheckpoint } from '../../../src/model/checkpoint/index.js';
import { weightEntries } from '../../../src/model/weights.js';
import { tf } from '../../../src/compute/tf.js';
import { INTERRUPT } from '../../../src/train/task.js';
import { trainRun } from '../../../src/train/trainRun.js';
import { testBackends, useBackend } from '../../helpers/tf.js';
import { lmRun, shakespeare, useStore } from './helpers.js';

const config = { dropout: 0.1, layers: 2, budget: { steps: 20 } };

describe.each(testBackends)('resume on %s', (backend) => {
  const ctx = useStore();

  it('reproduces uninterrupted training exactly', async () => {
    await useBackend(backend);
    const store = ctx.store();
    const a = { id: lmRun(store, shakespeare(), config).runId };
    const straight = await trainRun(store, a.id);
    expect(straight.status).toBe('finished');

    const b = { id: lmRun(store, shakespeare(), config).runId };
    const controller = new AbortController();
    const first = await trainRun(store, b.id, {
      signal: controller.signal,
      onEvent: (e) => e.type === 'progress' && e.progress.step === 10 && controller.abort(INTERRUPT),
    });
    expect(first).toMatchObject({ status: 'interrupted', step: 10 });
    expect(store.runs.get(b.id)!.status).toBe('interrupted');
    const resumed = await trainRun(store, b.id, { resume: true });
    expect(resumed).toMatchObject({ status: 'finished', step: 20, resumedFromStep: 10 });

    const series = (runId: number, split: 'train' | 'validation') =>
      store.metrics.list(runId, { name: 'loss', split }).map((m) => [m.step, m.value]);
    expect(series(b.id, 'train')).toHaveLength(20);
    expect(series(b.id, 'train')).toEqual(series(a.id, 'train'));
    expect(series(b.id, 'validation')).toEqual(series(a.id, 'validation'));
    expect(resumed.finalValLoss).toBe(straight.finalValLoss);
    expect(resumed.testLoss).toBe(straight.testLoss);

    const weights = async (dir: string) => {
      const loaded = await loadLanguageModelCheckpoint(dir);
      const values = weightEntries(loaded.weights).map(([, t]) => Array.from(t.dataSync()));
      tf.dispose([...weightEntries(loaded.weights).map(([, t]) => t), ...(loaded.optimizer?.state.map((s) => s.tensor) ?? [])]);
      return { values, files: loaded.digest.files };
    };
    const wa = await weights(straight.lastCheckpoint!.dir);
    const wb = await weights(resumed.lastCheckpoint!.dir);
    expect(wb.values).toEqual(wa.values);
    expect(wb.files['weights.bin']).toEqual(wa.files['weights.bin']);
    expect(wb.files['optimizer.bin']).toEqual(wa.files['optimizer.bin']);
  });
});
