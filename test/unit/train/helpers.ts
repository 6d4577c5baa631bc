/** Shared pieces of the training tests: the text and pairs fixtures, tiny settings, a store in a temp dir. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect } from 'vitest';
import { type Store, openStore } from '../../../src/store/index.js';
import { type LmSettings, type Seq2seqSettings, resolveLmConfig, resolveSeq2seqConfig } from '../../../src/train/config.js';
import { INTERRUPT } from '../../../src/train/task.js';
import { type TrainingResult, trainRun } from '../../../src/train/trainRun.js';

export const SHAKESPEARE = fileURLToPath(new URL('../../fixtures/text/shakespeare-20k.txt', import.meta.url));
export const shakespeare = (): string => fs.readFileSync(SHAKESPEARE, 'utf8');
/** Five dialogue pairs (TSV). */
export const DIALOGUE_PAIRS = fileURLToPath(new URL('../../fixtures/seq2seq/dialogue.tsv', import.meta.url));

/** A model small enough that a step takes a few milliseconds on cpu. */
export const TINY: Partial<LmSettings> = {
  embed: 8,
  hidden: 16,
  seq: 16,
  batch: 4,
  warmupSteps: 3,
  evalEvery: 5,
  evalMaxTokens: 2000,
  evalStreams: 4,
  evalChunk: 32,
  sampleEvery: 0,
  sampleLength: 20,
  checkpointMinutes: 0,
  logEvery: 1,
  patience: 0,
};

/** A data directory with an open store per test, closed and removed afterwards. */
export function useStore(): { dir: () => string; store: () => Store } {
  let dir = '';
  let store: Store | null = null;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-train-'));
    store = openStore(dir);
  });
  afterEach(() => {
    store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dir: () => dir, store: () => store! };
}

/** A corpus holding `text` (one document per string) and a queued language-model run on it with `config` over TINY. */
export function lmRun(store: Store, text: string | string[], config: Partial<LmSettings> = {}): { runId: number; corpusId: number } {
  const corpus = store.corpora.create(`corpus ${store.corpora.list().length + 1}`);
  (Array.isArray(text) ? text : [text]).forEach((t, i) => store.documents.add(corpus.id, { title: `d${i}`, text: t }));
  const run = store.runs.create({ kind: 'lm', name: 'r', corpusId: corpus.id, config: resolveLmConfig({ ...TINY, ...config }) });
  return { runId: run.id, corpusId: corpus.id };
}

/** An encoder–decoder small enough that a step takes a few milliseconds on cpu. */
export const TINY_SEQ2SEQ: Partial<Seq2seqSettings> = {
  embed: 8,
  hidden: 8,
  batch: 4,
  warmupSteps: 2,
  evalEvery: 5,
  sampleEvery: 0,
  checkpointMinutes: 0,
  logEvery: 1,
  patience: 0,
};

/**
 * A queued dialogue run with `config` over TINY_SEQ2SEQ, on the dialogue pairs (validated on the same file) unless
 * `config.pairs` says otherwise.
 */
export function seq2seqRun(store: Store, config: Partial<Seq2seqSettings> = {}): number {
  const settings = resolveSeq2seqConfig({ task: 'dialogue', pairs: { kind: 'file', path: DIALOGUE_PAIRS, validPath: DIALOGUE_PAIRS }, ...TINY_SEQ2SEQ, ...config });
  return store.runs.create({ kind: 'seq2seq', name: 's', corpusId: null, config: settings }).id;
}

/**
 * Trains run `runId` until step `at` (a step that reports progress: an evaluation), interrupts it there (it saves a
 * checkpoint), calls `between`, and resumes it to its end.
 */
export async function interruptAndResume(store: Store, runId: number, at: number, between: () => void = () => undefined): Promise<TrainingResult> {
  const controller = new AbortController();
  const first = await trainRun(store, runId, { signal: controller.signal, onEvent: (e) => e.type === 'progress' && e.progress.step === at && controller.abort(INTERRUPT) });
  expect(first.status).toBe('interrupted');
  between();
  return trainRun(store, runId, { resume: true });
}
