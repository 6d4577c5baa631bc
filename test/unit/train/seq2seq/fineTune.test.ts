/**
 * Fine-tuning an encoder–decoder: a child starts from its parent's weights and codec (the same validation loss
 * before its first step), has its parent's architecture whatever was asked, and resumes from its own
 * checkpoints; a parent that is gone, of another kind, or not the run's is refused in one line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../../../src/compute/tf.js';
import { disposeSeq2seqCheckpoint, loadSeq2seqCheckpoint } from '../../../../src/model/seq2seq/checkpoint.js';
import { resolveSeq2seqConfig } from '../../../../src/train/config.js';
import { SetupError } from '../../../../src/train/errors.js';
import { loadPairs } from '../../../../src/train/seq2seq/data.js';
import { seq2seqInheritedSettings, seq2seqParentArchitecture } from '../../../../src/train/seq2seq/parentModel.js';
import { loadSeq2seqResumePoint } from '../../../../src/train/seq2seq/resume.js';
import { createSeq2seqTask } from '../../../../src/train/seq2seq/setup.js';
import { trainRun } from '../../../../src/train/trainRun.js';
import { useBackend } from '../../../helpers/tf.js';
import { DIALOGUE_PAIRS, TINY_SEQ2SEQ, interruptAndResume, lmRun, seq2seqRun, shakespeare, useStore } from '../helpers.js';

describe('fine-tuning an encoder–decoder', () => {
  const ctx = useStore();

  /** A trained parent's last checkpoint folder. */
  async function parent(config: object = {}): Promise<string> {
    const runId = seq2seqRun(ctx.store(), { budget: { steps: 4 }, ...config });
    const result = await trainRun(ctx.store(), runId);
    expect(result.status).toBe('finished');
    return path.join(ctx.dir(), ctx.store().checkpoints.last(runId)!.path);
  }

  /** A child's settings: the parent's architecture over what was asked, and the fine-tuning defaults. */
  async function childSettings(dir: string, asked: object = {}) {
    const inherited = seq2seqInheritedSettings(await seq2seqParentArchitecture(dir), asked);
    const pairs = { kind: 'file' as const, path: DIALOGUE_PAIRS, validPath: DIALOGUE_PAIRS };
    return { ...inherited, config: resolveSeq2seqConfig({ task: 'dialogue', pairs, ...TINY_SEQ2SEQ, ...asked, ...inherited.settings, from: { kind: 'dir', path: dir } }) };
  }

  it("starts from its parent's weights: before its first step it scores the parent's pairs as the parent does", async () => {
    await useBackend('cpu');
    const dir = await parent({ copy: true, coverage: true });
    const before = tf.memory().numTensors;
    const data = await loadPairs({ kind: 'file', path: DIALOGUE_PAIRS, validPath: DIALOGUE_PAIRS }, 0);
    const parentRun = ctx.store().runs.list()[0]!;
    const asParent = createSeq2seqTask(parentRun.config as never, data, await loadSeq2seqResumePoint(dir)).task;
    const { config } = await childSettings(dir);
    expect(config).toMatchObject({ from: { kind: 'dir', path: dir }, lr: 3e-4, validationFraction: 0.1, copy: true, coverage: true });
    const child = createSeq2seqTask(config, data, null, await loadSeq2seqCheckpoint(dir)).task;
    try {
      expect(await child.evaluate('validation')).toEqual(await asParent.evaluate('validation'));
      for (const name of asParent.model.names()) expect(child.model.weights[name]!.arraySync()).toEqual(asParent.model.weights[name]!.arraySync());
      expect(child.model.config).toEqual({ ...asParent.model.config, dropout: config.dropout });
    } finally {
      child.dispose();
      asParent.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('may switch coverage on for a final phase: the new weight starts at zero, so the child starts as its parent', async () => {
    await useBackend('cpu');
    const dir = await parent({ copy: true, coverage: false });
    const data = await loadPairs({ kind: 'file', path: DIALOGUE_PAIRS, validPath: DIALOGUE_PAIRS }, 0);
    const parentRun = ctx.store().runs.list()[0]!;
    const asParent = createSeq2seqTask(parentRun.config as never, data, await loadSeq2seqResumePoint(dir)).task;
    const { config, overridden } = await childSettings(dir, { coverage: true });
    expect(overridden).toEqual([]);
    expect(config).toMatchObject({ coverage: true, copy: true });
    const child = createSeq2seqTask(config, data, null, await loadSeq2seqCheckpoint(dir)).task;
    try {
      expect(child.model.config.coverage).toBe(true);
      const added = child.model.names().filter((name) => !asParent.model.names().includes(name));
      expect(added.length).toBeGreaterThan(0);
      for (const name of added) expect(child.model.weights[name]!.dataSync().every((v) => v === 0)).toBe(true);
      expect((await child.evaluate('validation')).loss).toBeCloseTo((await asParent.evaluate('validation')).loss, 5);
      // The coverage loss then trains the new weight.
      for (let step = 0; step < 3; step++) child.trainStep(1e-2);
      expect(added.some((name) => child.model.weights[name]!.dataSync().some((v) => v !== 0))).toBe(true);
    } finally {
      child.dispose();
      asParent.dispose();
    }
    // Switching a parent's coverage off would drop a trained weight: the parent's is kept, and said so.
    const covered = await parent({ coverage: true });
    expect((await childSettings(covered, { coverage: false })).overridden).toEqual(["coverage false (the parent's: true)"]);
  });

  it("keeps its parent's architecture and vocabulary whatever was asked, and says what it overrode", async () => {
    await useBackend('cpu');
    const dir = await parent({ attention: 'bahdanau', bidirectional: false });
    const arch = await seq2seqParentArchitecture(dir);
    expect(arch).toMatchObject({ task: 'dialogue', level: 'word', sharedVocab: true, embed: 8, hidden: 8, attention: 'bahdanau', bidirectional: false, copy: false, maxSourceLen: 40 });
    const { config, overridden } = await childSettings(dir, { hidden: 32, embed: 16, attention: 'luong', level: 'char', vocabSize: 500, maxSourceLen: 30 });
    expect(overridden).toEqual(["level char (the parent's: word)", "embed 16 (the parent's: 8)", "hidden 32 (the parent's: 8)", "attention luong (the parent's: bahdanau)", "vocabSize 500 (the parent's vocabulary is kept)"]);
    expect(config).toMatchObject({ level: 'word', embed: 8, hidden: 8, attention: 'bahdanau', bidirectional: false, maxSourceLen: 30, maxTargetLen: 40 });
    expect(config.vocabSize).toBeUndefined();
  });

  it('trains a child from its parent and resumes from its own checkpoint, with the parent gone', async () => {
    await useBackend('cpu');
    const dir = await parent();
    const parentCheckpoint = await loadSeq2seqCheckpoint(dir);
    const store = ctx.store();
    const { config } = await childSettings(dir);
    const runId = store.runs.create({ kind: 'seq2seq', name: 'child', corpusId: null, config: { ...config, budget: { steps: 8 }, checkpointEvery: 4 } }).id;
    const before = tf.memory().numTensors;
    // The parent may go: a resume needs only the run's own checkpoints.
    const resumed = await interruptAndResume(store, runId, 5, () => fs.rmSync(dir, { recursive: true, force: true }));
    expect(resumed).toMatchObject({ status: 'finished', step: 8, resumedFromStep: 5 });
    expect(tf.memory().numTensors).toBe(before);
    const child = await loadSeq2seqCheckpoint(path.join(ctx.dir(), store.checkpoints.last(runId)!.path));
    expect(child.codec.source.toJSON()).toEqual(parentCheckpoint.codec.source.toJSON());
    expect(child.config).toEqual({ ...parentCheckpoint.config, dropout: config.dropout });
    disposeSeq2seqCheckpoint(child);
    disposeSeq2seqCheckpoint(parentCheckpoint);
  });

  it('refuses a parent that is a language model, damaged, or gone, in one line', async () => {
    await useBackend('cpu');
    const { runId: lmRunId } = lmRun(ctx.store(), shakespeare().slice(0, 4000), { budget: { steps: 2 } });
    await trainRun(ctx.store(), lmRunId);
    const lmDir = path.join(ctx.dir(), ctx.store().checkpoints.last(lmRunId)!.path);
    await expect(seq2seqParentArchitecture(lmDir)).rejects.toThrow(/holds a language model; only a seq2seq model can be fine-tuned into a seq2seq model/);
    const dir = await parent();
    fs.appendFileSync(path.join(dir, 'weights.bin'), 'x');
    await expect(seq2seqParentArchitecture(dir)).rejects.toThrow(/^the parent model cannot be used: .*weights\.bin/);
    await expect(seq2seqParentArchitecture(path.join(ctx.dir(), 'gone'))).rejects.toThrow(SetupError);

    const gone = seq2seqRun(ctx.store(), { from: { kind: 'dir', path: path.join(ctx.dir(), 'gone') } });
    const result = await trainRun(ctx.store(), gone);
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^the model it starts from cannot be used: [^\n]+$/);
  });

  it('refuses a parent folder that now holds another model than the run was created from', async () => {
    await useBackend('cpu');
    const dir = await parent();
    const { config } = await childSettings(dir);
    const runId = ctx.store().runs.create({ kind: 'seq2seq', name: 'child', corpusId: null, config: { ...config, hidden: 16 } }).id;
    const result = await trainRun(ctx.store(), runId);
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^the model it starts from is not the one the run was created from \(its hidden is 8, the run's 16\); start a new run$/);
  });
});
