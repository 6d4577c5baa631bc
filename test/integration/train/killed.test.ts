/**
 * Exact resume after SIGKILL, for both model kinds (and a seq2seq run fine-tuning a parent) and both entry
 * points: a real child process trains a run — through `trainRun` as `longhand train` does, or through the service
 * and its worker thread as the app does — and is SIGKILLed twice, right after a checkpoint was recorded (so the kill lands in the next steps or in the next
 * checkpoint's write); then the run is finished. Its final weights are byte for byte those of the same run left
 * alone, and its metric rows are the same.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Store, openStore } from '../../../src/store/index.js';
import { resolveLmConfig, resolveSeq2seqConfig } from '../../../src/train/config.js';
import { seq2seqInheritedSettings, seq2seqParentArchitecture } from '../../../src/train/seq2seq/parentModel.js';
import { type TrainingResult, trainRun } from '../../../src/train/trainRun.js';
import { exited, kill, startChild } from '../../helpers/child.js';
import { useBackend } from '../../helpers/tf.js';

const child = fileURLToPath(new URL('./killed.child.ts', import.meta.url));
const text = fs.readFileSync(fileURLToPath(new URL('../../fixtures/text/shakespeare-20k.txt', import.meta.url)), 'utf8');
const pairsFile = fileURLToPath(new URL('../../fixtures/seq2seq/dialogue.tsv', import.meta.url));

/**
 * A queued run of `kind` with a tiny model, checkpointing every 4 steps, in `store` (`batch`: the LM's;
 * `fineTune`: a seq2seq run's parent and what it inherits).
 */
function createRun(store: Store, kind: 'lm' | 'seq2seq', batch = 4, fineTune: object = {}): number {
  const loop = { evalEvery: 6, sampleEvery: 5, checkpointEvery: 4, checkpointMinutes: 0, logEvery: 1, patience: 0, seed: 7 };
  if (kind === 'lm') {
    const corpus = store.corpora.create('plays');
    store.documents.add(corpus.id, { title: 'plays', text });
    const config = resolveLmConfig({ ...loop, embed: 8, hidden: 16, seq: 16, batch, dropout: 0.1, evalMaxTokens: 500, evalStreams: 4, evalChunk: 32, sampleLength: 20, budget: { steps: 14 } });
    return store.runs.create({ kind: 'lm', name: 'killed', corpusId: corpus.id, config }).id;
  }
  const config = resolveSeq2seqConfig({ ...loop, task: 'dialogue', embed: 8, hidden: 8, batch: 2, validationFraction: 0, budget: { steps: 14 }, pairs: { kind: 'file', path: pairsFile }, ...fineTune });
  return store.runs.create({ kind: 'seq2seq', name: 'killed', config }).id;
}

/** The final checkpoint's weights and the run's metric rows (without timing). */
function outcome(dataDir: string, runId: number): { status: string; step: number; weights: Buffer; metrics: unknown[] } {
  const store = openStore(dataDir);
  try {
    const last = store.checkpoints.last(runId)!;
    const weights = fs.readFileSync(path.join(dataDir, last.path, 'weights.bin'));
    const metrics = store.metrics.list(runId).filter((m) => m.name !== 'tokens_per_s').map((m) => [m.step, m.split, m.name, m.value]);
    return { status: store.runs.get(runId)!.status, step: last.step, weights, metrics };
  } finally {
    store.close();
  }
}

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-killed-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** Kills a child training `runId` of `killed` right after checkpoints 4 and 8, then lets a third one finish it. */
async function killTwiceAndFinish(entry: 'cli' | 'app', killed: string, runId: number, threads: number): Promise<void> {
  for (const step of [4, 8]) {
    const { proc, until } = startChild(child, [entry, killed, String(runId), String(threads)]);
    try {
      await until((lines) => lines.includes(`saved ${step}`));
    } finally {
      await kill(proc);
    }
  }
  const last = startChild(child, [entry, killed, String(runId), String(threads)]);
  await last.until((lines) => lines.includes('finished'));
  await exited(last.proc);
}

/**
 * Trains the run `create` makes, left alone in one data directory and SIGKILLed twice through `entry` in another,
 * on `threads` threads, and expects both to end with the same weights and metrics. Returns how the one left
 * alone ended, and its stored settings.
 */
async function expectKillsChangeNothing(entry: 'cli' | 'app', threads: number, create: (store: Store) => number): Promise<{ alone: TrainingResult; config: unknown }> {
  const aloneDir = path.join(root, 'alone');
  const store = openStore(aloneDir);
  const aloneId = create(store);
  const alone = await trainRun(store, aloneId, { threads });
  expect(alone).toMatchObject({ status: 'finished', step: 14 });
  const config = store.runs.get(aloneId)!.config;
  store.close();

  const killed = path.join(root, 'killed');
  const setup = openStore(killed);
  const runId = create(setup);
  setup.close();
  await killTwiceAndFinish(entry, killed, runId, threads);

  const a = outcome(aloneDir, aloneId);
  const b = outcome(killed, runId);
  expect(b).toMatchObject({ status: 'finished', step: 14 });
  expect(b.metrics).toEqual(a.metrics);
  expect(b.weights.equals(a.weights)).toBe(true);
  return { alone, config };
}

describe.each(['lm', 'seq2seq'] as const)('a %s run SIGKILLed twice', (kind) => {
  it.each(['cli', 'app'] as const)('through the %s resumes and ends bit-identical to one left alone', async (entry) => {
    await useBackend('cpu');
    await expectKillsChangeNothing(entry, 1, (store) => createRun(store, kind));
  }, 120_000);
});

describe('a seq2seq run fine-tuning a parent SIGKILLed twice', () => {
  it.each(['cli', 'app'] as const)('through the %s resumes from its own checkpoints and ends bit-identical to one left alone', async (entry) => {
    await useBackend('cpu');
    const parentHome = path.join(root, 'parent');
    const parentStore = openStore(parentHome);
    const parentRun = createRun(parentStore, 'seq2seq');
    await trainRun(parentStore, parentRun, { threads: 1 });
    const parentDir = path.join(parentHome, parentStore.checkpoints.last(parentRun)!.path);
    parentStore.close();
    const inherited = seq2seqInheritedSettings(await seq2seqParentArchitecture(parentDir), {}).settings;
    const fineTune = { ...inherited, from: { kind: 'dir', path: parentDir } };

    const { config } = await expectKillsChangeNothing(entry, 1, (store) => createRun(store, 'seq2seq', 4, fineTune));
    // With a parent, the run's settings are the fine-tuning defaults (dropout 0.1, lr 3e-4…) under the tiny run's.
    expect(config).toMatchObject({ dropout: 0.1, lr: 3e-4, from: { kind: 'dir', path: parentDir } });
  }, 120_000);
});

describe('an lm run on two threads (data parallelism) SIGKILLed twice', () => {
  it('resumes on two threads and ends bit-identical to one left alone', async () => {
    await useBackend('cpu');
    const { alone } = await expectKillsChangeNothing('cli', 2, (store) => createRun(store, 'lm', 16));
    expect(alone.replicas).toBe(2);
  }, 120_000);
});
