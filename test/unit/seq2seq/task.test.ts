/**
 * The seq2seq TrainingTask the loop drives: training steps, evaluation and samples leave no tensors behind, and
 * optimizer state that does not fit the model is refused without leaking the trainer's slots.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { buildCodec } from '../../../src/model/seq2seq/codec.js';
import { Seq2seqModel } from '../../../src/model/seq2seq/model.js';
import { resolveSeq2seqConfig } from '../../../src/train/config.js';
import { modelConfig } from '../../../src/train/seq2seq/modelConfig.js';
import { BucketBatcher } from '../../../src/train/seq2seq/data.js';
import { Seq2seqTrainingTask } from '../../../src/train/seq2seq/task.js';
import { useBackend } from '../../helpers/tf.js';

const pairs = [
  { source: 'Elinor walked to the village and met Marianne.', target: 'Elinor met Marianne.' },
  { source: 'The rain fell all day on the cottage.', target: 'It rained.' },
  { source: 'Colonel Brandon rode to Delaford at dawn.', target: 'Brandon rode.' },
];

function setup() {
  const config = resolveSeq2seqConfig({ task: 'summarize', pairs: { kind: 'file', path: '/tmp/pairs.jsonl' }, embed: 8, hidden: 8, copy: true, coverage: true, batch: 2, maxSourceLen: 20, maxTargetLen: 8 });
  const codec = buildCodec(pairs, { level: 'word', shared: true });
  const model = Seq2seqModel.init(modelConfig(config, codec), 1);
  const encoded = pairs.map((p) => codec.encodePair(p, config.maxSourceLen, config.maxTargetLen, config.copy));
  const options = { model, codec, config, train: encoded, validation: encoded.slice(0, 2), data: { sha256: 'x', pairs: 3 } };
  return { model, options };
}

describe('Seq2seqTrainingTask', () => {
  it('trains, evaluates and samples without leaking tensors', async () => {
    await useBackend('cpu');
    const { model, options } = setup();
    const task = new Seq2seqTrainingTask(options);
    task.trainStep(1e-2);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 3; step++) task.trainStep(1e-2);
    await task.evaluate('validation');
    task.sample({ step: 3 });
    expect(tf.memory().numTensors).toBe(before);
    task.dispose(); // the model too
    expect(model.variables().every((v) => v.isDisposed)).toBe(true);
  });

  it('refuses optimizer state that does not fit the model, and disposes its own slots', async () => {
    await useBackend('cpu');
    const { model, options } = setup();
    const before = tf.memory().numTensors;
    const wrong = tf.zeros([3, 3]);
    const batcher = new BucketBatcher(options.train, options.config.batch, options.config.seed).state;
    const resume = { optimizer: { kind: 'adam' as const, step: 5, tensors: [{ name: 'adam/m/nothing', tensor: wrong }] }, batcher };
    expect(() => new Seq2seqTrainingTask({ ...options, resume })).toThrow();
    expect(tf.memory().numTensors).toBe(before + 1);
    wrong.dispose();
    model.dispose();
  });
});
