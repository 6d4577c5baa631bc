/**
 * The worker's jobs for the summarizer and dialogue end-to-end tests: the built-in jobs, behind the network guard,
 * except for runs named "Stand-in …" and "Placeholder …".
 *
 * - "Stand-in" seq2seq runs train in a moment and their models answer deterministically: a summary made of the
 *   source's first words with an attention matrix peaked on the word each summary word came from, and replies
 *   that echo the message with the temperature and how many times the writer asked. They exercise the panes
 *   (heatmap, streaming, regenerate) in a real browser whatever state the real seq2seq jobs are in.
 * - "Placeholder" seq2seq runs only write a checkpoint; generating with it goes to the built-in jobs, which is
 *   how a writer meets summarize/reply while those are not wired into the worker yet.
 *
 * Every other run, load and generation is the built-in one.
 */
import { tf } from '../../src/compute/tf.js';
import { saveLanguageModelCheckpoint } from '../../src/model/checkpoint/index.js';
import { initWeights, weightEntries } from '../../src/model/weights.js';
import type { JobRegistry, LoadedModel, Seq2seqTrainingSpec, TrainingHooks, TrainingResult } from '../../src/worker/jobs.js';
import { checkpointDir } from '../../src/worker/jobs.js';
import { builtinJobs } from '../../src/worker/registry.js';
import { installNetGuard } from '../integration/service/netGuard.js';

if (process.env.LONGHAND_TEST_NET_LOG) installNetGuard(process.env.LONGHAND_TEST_NET_LOG);

const STAND_IN = /^Stand-in\b/;
const PLACEHOLDER = /^Placeholder\b/;
/** Checkpoint directories of stand-in runs (this worker's lifetime is the test file's). */
const standIns = new Set<string>();

interface StandIn extends LoadedModel {
  standIn: true;
  replies: number;
}

const isStandIn = (model: LoadedModel): model is StandIn => (model as Partial<StandIn>).standIn === true;

/** A few steps with falling loss and one checkpoint in the language-model format (the files do not matter). */
async function quickTraining(spec: Seq2seqTrainingSpec, hooks: TrainingHooks): Promise<TrainingResult> {
  const total = 6;
  for (let step = 1; step <= total; step++) {
    const loss = 3 / (step + 1);
    hooks.onMetrics([{ step, split: 'train', name: 'loss', value: loss }]);
    hooks.onProgress({ step, totalSteps: total, trainLoss: loss, tokensPerSec: 500, etaSeconds: total - step, elapsedSeconds: step * 0.05 });
    await hooks.waitIfPaused();
  }
  const config = { vocabSize: 4, embedDim: 4, hiddenSize: 8, layers: 1, cell: 'lstm' as const, dropout: 0 };
  const weights = initWeights(config, 1);
  try {
    const dir = checkpointDir(spec.outputDir, total);
    const digest = await saveLanguageModelCheckpoint(dir, { config, weights, tokenizer: { level: 'char', tokens: ['a', 'b', 'c', 'd'] }, step: total, metrics: { loss: 1 } });
    if (STAND_IN.test(spec.name)) standIns.add(dir);
    hooks.onCheckpoint({ step: total, dir, sha256: digest.sha256, bytes: digest.bytes, metrics: { 'validation.loss': 1 }, isBest: true });
  } finally {
    tf.dispose(weightEntries(weights).map(([, t]) => t));
  }
  return { step: total };
}

/** Attention of summary word i: most on source word i, the rest spread thinly (rows sum to 1). */
function attention(rows: number, columns: number): number[][] {
  return Array.from({ length: rows }, (_, i) => {
    const row = Array.from({ length: columns }, (_, j) => (j === i ? 0 : 0.3 / Math.max(1, columns - 1)));
    row[Math.min(i, columns - 1)] = columns === 1 ? 1 : 0.7;
    return row;
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const jobs: Partial<JobRegistry> = {
  trainSeq2seq: (spec, hooks) => (STAND_IN.test(spec.name) || PLACEHOLDER.test(spec.name) ? quickTraining(spec, hooks) : builtinJobs.trainSeq2seq(spec, hooks)),
  loadModel: async (checkpoint, signal) => {
    if (!standIns.has(checkpoint.dir)) return builtinJobs.loadModel(checkpoint, signal);
    const model: StandIn = { kind: 'seq2seq', standIn: true, replies: 0, dispose: () => undefined };
    return model;
  },
  summarize: async (model, request, context) => {
    if (!isStandIn(model)) return builtinJobs.summarize(model, request, context);
    const sourceTokens = request.text.split(/\s+/).filter(Boolean).slice(0, 60);
    const summaryTokens = sourceTokens.slice(0, Math.min(6, sourceTokens.length, request.maxLength));
    for (const token of summaryTokens) context.onToken(`${token} `);
    return {
      summary: summaryTokens.join(' '),
      sourceTokens,
      summaryTokens,
      attention: attention(summaryTokens.length, sourceTokens.length),
      score: -0.4,
      truncated: request.text.split(/\s+/).filter(Boolean).length > sourceTokens.length,
    };
  },
  reply: async (model, request, context) => {
    if (!isStandIn(model)) return builtinJobs.reply(model, request, context);
    model.replies++;
    const reply = `You said “${request.message}” (reply ${model.replies}, temperature ${request.temperature.toFixed(2)}, ${request.history.length} earlier turns).`;
    for (const word of reply.split(' ')) {
      context.onToken(`${word} `);
      await sleep(5);
    }
    return { reply, score: -0.5 };
  },
};
