/**
 * Data parallelism computes what one thread computes: with the same global batch, two replicas (this thread and a
 * replica thread, summing gradients in shared memory) give the one-thread losses step by step, up to float
 * summation order — dropout included, since each replica uses its rows of the whole batch's masks — and the same
 * weights at the end. On both backends replicas run on; for both model kinds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadLanguageModelCheckpoint } from '../../../../src/model/checkpoint/index.js';
import { weightEntries } from '../../../../src/model/weights.js';
import { tf } from '../../../../src/compute/tf.js';
import { resolveLmConfig, resolveSeq2seqConfig } from '../../../../src/train/config.js';
import { runTrainingJob } from '../../../../src/train/job.js';
import type { JobEvent, LmJobSpec, Seq2seqJobSpec } from '../../../../src/train/jobSpec.js';
import { testBackends, useBackend } from '../../../helpers/tf.js';
import { TINY, shakespeare } from '../helpers.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-parallel-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

// Batch 16 gives two replicas of 8 rows; dropout 0.2 on two layers exercises the sliced masks.
const spec = (threads: number, keepThreadFree = false): LmJobSpec => ({
  kind: 'lm',
  runId: 1,
  name: 'parallel',
  checkpointDir: path.join(dir, `t${threads}${keepThreadFree ? 'f' : ''}`),
  resumeFrom: [],
  threads,
  keepThreadFree,
  config: resolveLmConfig({ ...TINY, batch: 16, layers: 2, dropout: 0.2, evalEvery: 0, checkpointEvery: 20, validationFraction: 0.1, testFraction: 0, budget: { steps: 20 } }),
  text: { kind: 'documents', documents: [shakespeare()] },
});

async function train(threads: number, keepThreadFree = false) {
  const losses: number[] = [];
  const onEvent = (e: JobEvent) => {
    if (e.type === 'metrics') for (const p of e.points) if (p.split === 'train' && p.name === 'loss') losses.push(p.value);
  };
  const s = spec(threads, keepThreadFree);
  const result = await runTrainingJob(s, { onEvent }, { progressIntervalMs: 0 });
  const last = fs.readdirSync(s.checkpointDir);
  const loaded = await loadLanguageModelCheckpoint(path.join(s.checkpointDir, last[0]!));
  const weights = weightEntries(loaded.weights).map(([name, t]) => [name, t.dataSync().slice()] as const);
  tf.dispose(weightEntries(loaded.weights).map(([, t]) => t));
  if (loaded.optimizer) tf.dispose(loaded.optimizer.state.map((s) => s.tensor));
  return { result, losses, weights };
}

describe.each(testBackends)('data-parallel training on %s', (backend) => {
  it('two replicas train as one thread does at the same global batch', async () => {
    await useBackend(backend);
    const one = await train(1);
    const two = await train(2);
    expect(one.result).toMatchObject({ outcome: 'completed', step: 20, replicas: 1 });
    expect(two.result).toMatchObject({ outcome: 'completed', step: 20, replicas: 2 });
    expect(one.losses).toHaveLength(20);
    expect(two.losses).toHaveLength(20);
    // Training moved (the test would pass trivially on a model that does not learn).
    expect(one.losses[19]!).toBeLessThan(one.losses[0]! - 0.3);
    two.losses.forEach((loss, i) => expect(loss, `step ${i + 1}`).toBeCloseTo(one.losses[i]!, 4));
    expect(two.result.testLoss ?? two.result.finalValLoss).toBeCloseTo(one.result.testLoss ?? one.result.finalValLoss!, 4);
    one.weights.forEach(([name, values], w) => {
      const other = two.weights[w]![1];
      let worst = 0;
      for (let k = 0; k < values.length; k++) worst = Math.max(worst, Math.abs(values[k]! - other[k]!));
      expect(worst, name).toBeLessThan(1e-4);
    });
    if (backend !== 'cpu') return;
    // The app's way: both replicas in threads of their own, this thread only coordinating — the same numbers.
    const free = await train(2, true);
    expect(free.result).toMatchObject({ outcome: 'completed', step: 20, replicas: 2 });
    expect(free.losses).toEqual(two.losses);
  });
});

const pairsFile = fileURLToPath(new URL('../../../fixtures/seq2seq/dialogue.tsv', import.meta.url));

const seq2seqSpec = (threads: number): Seq2seqJobSpec => ({
  kind: 'seq2seq',
  runId: 2,
  name: 'parallel seq2seq',
  checkpointDir: path.join(dir, `s${threads}`),
  resumeFrom: [],
  threads,
  config: resolveSeq2seqConfig({
    task: 'dialogue',
    pairs: { kind: 'file', path: pairsFile },
    embed: 8,
    hidden: 8,
    batch: 16,
    dropout: 0.2,
    lr: 0.01,
    warmupSteps: 2,
    evalEvery: 0,
    sampleEvery: 0,
    logEvery: 1,
    checkpointMinutes: 0,
    validationFraction: 0.1,
    budget: { steps: 20 },
  }),
  pairs: { kind: 'file', path: pairsFile },
});

describe.each(testBackends)('data-parallel encoder–decoder training on %s', (backend) => {
  it('two replicas train as one thread does (rows weighted by their target tokens)', async () => {
    await useBackend(backend);
    const run = async (threads: number) => {
      const losses: number[] = [];
      const result = await runTrainingJob(seq2seqSpec(threads), {
        onEvent: (e) => {
          if (e.type === 'metrics') for (const p of e.points) if (p.split === 'train' && p.name === 'loss') losses.push(p.value);
        },
      });
      return { result, losses };
    };
    const one = await run(1);
    const two = await run(2);
    expect(one.result).toMatchObject({ outcome: 'completed', step: 20, replicas: 1 });
    expect(two.result).toMatchObject({ outcome: 'completed', step: 20, replicas: 2 });
    expect(one.losses).toHaveLength(20);
    expect(one.losses[19]!).toBeLessThan(one.losses[0]! - 0.3);
    two.losses.forEach((loss, i) => expect(loss, `step ${i + 1}`).toBeCloseTo(one.losses[i]!, 4));
    expect(two.result.finalValLoss).toBeCloseTo(one.result.finalValLoss!, 4);
  });
});
