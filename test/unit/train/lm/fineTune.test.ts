/** Fine-tuning: a child starts from its parent's weights and tokenizer, grown for new characters; lineage and resume. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../../../src/compute/tf.js';
import { loadLanguageModelCheckpoint } from '../../../../src/model/checkpoint/index.js';
import { weightEntries } from '../../../../src/model/weights.js';
import { adoptParent, disposeParent } from '../../../../src/train/lm/adopt.js';
import { inheritedSettings, parentArchitecture } from '../../../../src/train/lm/parentModel.js';
import { trainRun } from '../../../../src/train/trainRun.js';
import { useBackend } from '../../../helpers/tf.js';
import { interruptAndResume, lmRun, shakespeare, useStore } from '../helpers.js';

describe('fine-tuning a language model', () => {
  const ctx = useStore();

  /** A trained parent's best checkpoint folder. */
  async function parent(config: object = {}): Promise<string> {
    const { runId } = lmRun(ctx.store(), shakespeare().slice(0, 12_000), { budget: { steps: 4 }, ...config });
    const result = await trainRun(ctx.store(), runId);
    return result.bestCheckpoint!.dir;
  }

  it('grows a char vocabulary for new characters: known rows keep their weights, new ones start rare', async () => {
    await useBackend('cpu');
    const dir = await parent();
    const loaded = await loadLanguageModelCheckpoint(dir);
    const before = (loaded.tokenizerJson as { tokens: string[] }).tokens;
    const v = loaded.config.vocabSize;
    const adopted = adoptParent(loaded, ['Señor Ömer said “hello”'], 1, 0.1);
    try {
      expect(adopted.added).toEqual(['Ö', 'ñ', '“', '”'].filter((c) => !before.includes(c)));
      const n = adopted.added.length;
      expect(n).toBeGreaterThan(0);
      expect(adopted.config).toMatchObject({ vocabSize: v + n, dropout: 0.1 });
      expect(adopted.tokenizer.vocabSize).toBe(v + n);
      expect(adopted.tokenizer.encode('Ö')).toEqual([v + adopted.added.indexOf('Ö')]);
      expect(adopted.tokenizer.encode('the')).toEqual((await import('../../../../src/text/tokenizers/index.js')).tokenizerFromJson(loaded.tokenizerJson).encode('the'));
      const emb = adopted.weights.embedding.arraySync() as number[][];
      expect(emb.slice(0, v)).toEqual(loaded.weights.embedding.arraySync());
      const bias = Array.from(adopted.weights.dense.bias.dataSync());
      const parentBias = Array.from(loaded.weights.dense.bias.dataSync());
      expect(bias.slice(0, v)).toEqual(parentBias);
      expect(bias.slice(v)).toEqual(Array(n).fill(Math.min(...parentBias)));
      const kernel = adopted.weights.dense.kernel.arraySync() as number[][];
      expect(kernel.every((row) => row.slice(v).every((x) => x === 0))).toBe(true);
    } finally {
      tf.dispose(weightEntries(adopted.weights).map(([, t]) => t));
      disposeParent(loaded);
    }
  });

  it('keeps a word-level parent’s tokenizer (unknown words read as <unk>) and refuses another level or size', async () => {
    await useBackend('cpu');
    const dir = await parent({ level: 'word', vocabSize: 60, seq: 8 });
    const arch = await parentArchitecture(dir);
    expect(arch).toMatchObject({ level: 'word', vocabSize: 60, hidden: 16 });
    expect(() => inheritedSettings(arch, { level: 'char' })).toThrow(/reads text as word tokens; a fine-tuned model keeps its parent's level \(asked for char\)/);
    expect(() => inheritedSettings(arch, { hidden: 32 })).toThrow(/keeps its parent's hidden \(16\)/);
    const loaded = await loadLanguageModelCheckpoint(dir);
    const adopted = adoptParent(loaded, ['Zanzibar quokkas'], 1, 0);
    expect(adopted.added).toEqual([]);
    expect(adopted.tokenizer.toJSON()).toEqual(loaded.tokenizerJson);
    tf.dispose(weightEntries(adopted.weights).map(([, t]) => t));
    disposeParent(loaded);
  });

  it('trains a child from its parent, records the parent, and resumes from its own checkpoint', async () => {
    await useBackend('cpu');
    const dir = await parent();
    const store = ctx.store();
    const arch = await parentArchitecture(dir);
    const { runId } = lmRun(store, 'Señor Ömer walked in. ' .repeat(400), { ...arch, from: { kind: 'dir', path: dir }, budget: { steps: 8 }, checkpointEvery: 4 });
    const config = store.runs.get(runId)!.config;
    expect(config).toMatchObject({ from: { kind: 'dir', path: dir }, hidden: 16, embed: 8, lr: 2e-3, dropout: 0.1 });
    const before = tf.memory().numTensors;
    // The parent may go: a resume needs only the run's own checkpoints.
    const resumed = await interruptAndResume(store, runId, 5, () => fs.rmSync(dir, { recursive: true, force: true }));
    expect(resumed).toMatchObject({ status: 'finished', step: 8, resumedFromStep: 5 });
    expect(tf.memory().numTensors).toBe(before);
    const child = await loadLanguageModelCheckpoint(path.join(ctx.dir(), store.checkpoints.last(runId)!.path));
    expect((child.tokenizerJson as { tokens: string[] }).tokens).toContain('Ö');
    tf.dispose([...weightEntries(child.weights).map(([, t]) => t), ...(child.optimizer?.state.map((s) => s.tensor) ?? [])]);
  });

  it('fails a new child whose parent is gone, with one line', async () => {
    await useBackend('cpu');
    const store = ctx.store();
    const { runId } = lmRun(store, shakespeare(), { from: { kind: 'dir', path: path.join(ctx.dir(), 'gone') } });
    const result = await trainRun(store, runId);
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^the model it starts from cannot be used: /);
  });
});
