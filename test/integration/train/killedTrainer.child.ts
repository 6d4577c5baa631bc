/**
 * Child process for killedTrainer.test.ts: trains a tiny language model in <dataDir> as run <runId> on <text>,
 * checkpointing every 4 steps, and hangs in the middle of writing the checkpoint of step <hangAt> (after its
 * first file), printing "writing <step>" so the parent knows when to SIGKILL it.
 */
import { tf } from '../../../src/compute/tf.js';
import { trainLanguageModel } from '../../../src/train/trainLanguageModel.js';

const [dataDir, runId, text, hangAt] = process.argv.slice(2) as [string, string, string, string];

await tf.setBackend('cpu');
await trainLanguageModel(
  {
    runId: Number(runId),
    dataDir,
    corpus: { kind: 'file', path: text },
    config: {
      embed: 8,
      hidden: 16,
      seq: 16,
      batch: 4,
      evalEvery: 0,
      evalMaxTokens: 500,
      evalStreams: 4,
      evalChunk: 32,
      sampleEvery: 0,
      checkpointEvery: 4,
      checkpointMinutes: 0,
      logEvery: 1,
      budget: { steps: 12 },
    },
  },
  {
    onCheckpointWrite: async (event) => {
      if (event.step !== Number(hangAt) || event.phase !== 'file') return;
      process.stdout.write(`writing ${event.step}\n`);
      await new Promise<never>(() => setInterval(() => undefined, 1000));
    },
    onCheckpoint: (c) => void process.stdout.write(`saved ${c.step}\n`),
  },
);
process.stdout.write('finished\n');
