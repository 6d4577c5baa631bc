/**
 * Seq2seq checkpoints: a save/load round trip gives the same model, tokenizers and optimizer state, and loading
 * refuses, with a one-line CheckpointError naming the file, whatever does not fit.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { CheckpointError } from '../../../src/model/checkpoint/index.js';
import { makeBatch } from '../../../src/model/seq2seq/batch.js';
import { loadSeq2seqCheckpoint, saveSeq2seqCheckpoint } from '../../../src/model/seq2seq/checkpoint.js';
import { buildCodec } from '../../../src/model/seq2seq/codec.js';
import { Seq2seqModel } from '../../../src/model/seq2seq/model.js';
import { resolveSeq2seqConfig } from '../../../src/train/config.js';
import { modelConfig } from '../../../src/train/seq2seq/modelConfig.js';
import { Seq2seqTrainer } from '../../../src/train/seq2seq/step.js';
import { useBackend } from '../../helpers/tf.js';
import { useTempDir } from '../store/tempDir.js';

const pairs = [
  { source: 'Elinor walked to the village and met Marianne.', target: 'Elinor met Marianne.' },
  { source: 'The rain fell all day on the cottage.', target: 'It rained.' },
];

async function trained(shared: boolean) {
  const codec = buildCodec(pairs, { level: 'word', shared });
  const config = modelConfig(resolveSeq2seqConfig({ task: 'summarize', pairs: { kind: 'file', path: '/tmp/pairs.jsonl' }, embed: 8, hidden: 8, copy: true, coverage: true }), codec);
  const model = Seq2seqModel.init(config, 2);
  const trainer = new Seq2seqTrainer(model, { lr: 1e-2 });
  const encoded = pairs.map((p) => codec.encodePair(p, 50, 20, true));
  const batch = makeBatch(encoded, config);
  trainer.step(batch);
  return { codec, config, model, trainer, batch };
}

describe('seq2seq checkpoints', () => {
  const tmp = useTempDir();

  it.each([true, false])('round-trips weights, tokenizers and optimizer state (shared vocabulary: %s)', async (shared) => {
    await useBackend('cpu');
    const { codec, config, model, trainer, batch } = await trained(shared);
    const optimizer = trainer.exportState();
    const dir = path.join(tmp(), 'ckpt');
    const digest = await saveSeq2seqCheckpoint(dir, {
      config, weights: model.weights, codec, task: 'summarize', step: 1, metrics: { valLoss: 1.5, bad: NaN },
      optimizer: { name: 'adam', hyper: { step: optimizer.step }, state: optimizer.tensors }, trainState: { any: 'json' },
    });
    const files = (await fs.readdir(dir)).sort();
    expect(files).toEqual(shared ? ['longhand.json', 'optimizer.bin', 'seq2seq.json', 'tokenizer.json', 'weights.bin'] : ['longhand.json', 'optimizer.bin', 'seq2seq.json', 'source.tokenizer.json', 'target.tokenizer.json', 'weights.bin']);
    const loaded = await loadSeq2seqCheckpoint(dir, { expectedSha256: digest.sha256 });
    expect(loaded.config).toEqual(config);
    expect(loaded.meta).toMatchObject({ kind: 'seq2seq', task: 'summarize', step: 1, trainState: { any: 'json' } });
    expect(loaded.meta.metrics.bad).toBeNaN();
    expect(loaded.codec.target.tokens).toEqual(codec.target.tokens);
    expect(loaded.codec.shared).toBe(shared);
    expect(loaded.optimizer!.state.map((s) => s.name)).toEqual(optimizer.tensors.map((t) => t.name));
    const copy = Seq2seqModel.fromWeights(loaded.config, loaded.weights);
    expect(copy.score(batch).nllSum).toBeCloseTo(model.score(batch).nllSum, 5);
    tf.dispose([...Object.values(loaded.weights), ...loaded.optimizer!.state.map((s) => s.tensor), ...optimizer.tensors.map((t) => t.tensor)]);
    copy.dispose();
    trainer.dispose();
    model.dispose();
  });

  it('refuses corrupt, mismatched and foreign checkpoints with one-line messages', async () => {
    await useBackend('cpu');
    const { codec, config, model, trainer } = await trained(true);
    const dir = path.join(tmp(), 'ckpt');
    const save = () => saveSeq2seqCheckpoint(dir, { config, weights: model.weights, codec, task: 'summarize', step: 3, metrics: {} });
    const refusal = async (mutate: () => Promise<void>, code: string, pattern: RegExp) => {
      await save();
      await mutate();
      const error = await loadSeq2seqCheckpoint(dir).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(CheckpointError);
      expect((error as CheckpointError).code).toBe(code);
      expect((error as Error).message).toMatch(pattern);
      expect((error as Error).message).not.toContain('\n');
    };
    const file = (name: string) => path.join(dir, name);
    await refusal(() => fs.truncate(file('weights.bin'), 100), 'truncated', /weights\.bin.*truncated/);
    await refusal(async () => {
      const bytes = await fs.readFile(file('weights.bin'));
      bytes[10] = bytes[10]! ^ 0xff;
      await fs.writeFile(file('weights.bin'), bytes);
    }, 'changed', /weights\.bin.*changed/);
    await refusal(() => fs.rm(file('tokenizer.json')), 'missing', /missing tokenizer\.json/);
    // Rewritten consistently (manifest updated), so only the meaning is wrong.
    const rewrite = async (name: string, edit: (json: Record<string, unknown>) => void) => {
      const files: Record<string, Buffer | string> = {};
      for (const f of await fs.readdir(dir)) if (f !== 'longhand.json') files[f] = await fs.readFile(file(f));
      const meta = JSON.parse(await fs.readFile(file('longhand.json'), 'utf8')) as Record<string, unknown>;
      const target = name === 'longhand.json' ? meta : (JSON.parse(files[name]!.toString()) as Record<string, unknown>);
      edit(target);
      if (name !== 'longhand.json') files[name] = JSON.stringify(target);
      const { writeCheckpointDir } = await import('../../../src/model/checkpoint/index.js');
      const { files: _files, ...rest } = meta;
      await writeCheckpointDir(dir, files as Record<string, Uint8Array | string>, { metadata: rest });
    };
    await refusal(() => rewrite('longhand.json', (m) => (m.kind = 'lm')), 'unsupported', /not a seq2seq model/);
    await refusal(() => rewrite('longhand.json', (m) => (m.version = 99)), 'unsupported', /newer Longhand/);
    await refusal(() => rewrite('seq2seq.json', (t) => ((t.config as { hiddenSize: number }).hiddenSize = 16)), 'mismatch', /describe different models/);
    await refusal(() => rewrite('seq2seq.json', (t) => ((t.weights as { tensors: { name: string }[] }).tensors[0]!.name = 'nonsense')), 'mismatch', /should list weight embedding/);
    await refusal(() => rewrite('tokenizer.json', (t) => (t.tokens as string[]).push('extra')), 'mismatch', /not the tokenizers the model was trained with/);
    await refusal(() => rewrite('tokenizer.json', (t) => (t.level = 'nope')), 'invalid', /tokenizer\.json.*not a tokenizer/);
    trainer.dispose();
    model.dispose();
  });
});
