/**
 * Resuming data-parallel runs: interrupted at step 6 of 12 and resumed with the same two threads, a run ends
 * bit for bit where the uninterrupted two-thread run ends (a checkpoint holds nothing thread-specific, and two
 * replicas sum in a fixed order); resumed on one thread it continues from the same weights, optimiser and
 * data position and ends where the two-thread run ends up to float summation order.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../../../../src/compute/tf.js';
import { loadLanguageModelCheckpoint } from '../../../../src/model/checkpoint/index.js';
import { weightEntries } from '../../../../src/model/weights.js';
import { INTERRUPT } from '../../../../src/train/task.js';
import { trainRun } from '../../../../src/train/trainRun.js';
import { useBackend } from '../../../helpers/tf.js';
import { lmRun, shakespeare, useStore } from '../helpers.js';

const config = { batch: 16, dropout: 0.1, evalEvery: 0, evalMaxTokens: 500, testFraction: 0, validationFraction: 0.05, budget: { steps: 12 } };

async function weightsOf(dir: string): Promise<{ values: Float32Array[]; file: unknown }> {
  const loaded = await loadLanguageModelCheckpoint(dir);
  const values = weightEntries(loaded.weights).map(([, t]) => t.dataSync().slice() as Float32Array);
  tf.dispose([...weightEntries(loaded.weights).map(([, t]) => t), ...(loaded.optimizer?.state.map((s) => s.tensor) ?? [])]);
  return { values, file: loaded.digest.files['weights.bin'] };
}

describe('resuming a data-parallel run', () => {
  const ctx = useStore();

  it('with the same thread count ends where the uninterrupted run ends; with another it continues', async () => {
    await useBackend('cpu');
    const store = ctx.store();
    const straightId = lmRun(store, shakespeare(), config).runId;
    const straight = await trainRun(store, straightId, { threads: 2 });
    expect(straight).toMatchObject({ status: 'finished', step: 12, replicas: 2 });

    const interrupt = async (threads: number) => {
      const { runId } = lmRun(store, shakespeare(), config);
      const controller = new AbortController();
      const first = await trainRun(store, runId, {
        threads,
        loop: { progressIntervalMs: 0 },
        signal: controller.signal,
        onEvent: (e) => e.type === 'progress' && e.progress.step === 6 && controller.abort(INTERRUPT),
      });
      expect(first).toMatchObject({ status: 'interrupted', step: 6, replicas: threads });
      return runId;
    };
    const trainLosses = (runId: number) => store.metrics.list(runId, { name: 'loss', split: 'train' }).map((m) => m.value);

    const same = await interrupt(2);
    const resumedSame = await trainRun(store, same, { resume: true, threads: 2 });
    expect(resumedSame).toMatchObject({ status: 'finished', step: 12, resumedFromStep: 6, replicas: 2 });
    expect(trainLosses(same)).toEqual(trainLosses(straightId));
    expect(resumedSame.finalValLoss).toBe(straight.finalValLoss);
    const a = await weightsOf(straight.lastCheckpoint!.dir);
    const b = await weightsOf(resumedSame.lastCheckpoint!.dir);
    expect(b.file).toEqual(a.file);

    const other = await interrupt(2);
    const resumedOther = await trainRun(store, other, { resume: true, threads: 1 });
    expect(resumedOther).toMatchObject({ status: 'finished', step: 12, resumedFromStep: 6, replicas: 1 });
    const losses = trainLosses(other);
    expect(losses).toHaveLength(12);
    expect(losses.slice(0, 6)).toEqual(trainLosses(straightId).slice(0, 6));
    losses.slice(6).forEach((loss, i) => expect(loss, `step ${i + 7}`).toBeCloseTo(trainLosses(straightId)[i + 6]!, 4));
    const c = await weightsOf(resumedOther.lastCheckpoint!.dir);
    a.values.forEach((values, w) => {
      let worst = 0;
      for (let k = 0; k < values.length; k++) worst = Math.max(worst, Math.abs(values[k]! - c.values[w]![k]!));
      expect(worst).toBeLessThan(1e-4);
    });
  });
});
