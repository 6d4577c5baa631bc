/**
 * Fake jobs for the worker, used only by tests (loaded through the service's `workerJobsModule`). Training
 * writes real language-model checkpoints (tiny random weights, through src/model/checkpoint) so export, import
 * and verification run for real; generation reads the checkpoint's tokenizer and answers deterministically.
 *
 * The run's name chooses a behaviour: "crash" (the worker dies at step 2), "fail" (the job throws at step 2),
 * "busy" (CPU-bound steps of ~40 ms), "slow" (50 ms per step, for pause/cancel), "prune" (each checkpoint
 * deletes the one before and says so, as a trainer keeping only the last does); otherwise a few quick steps.
 * The budget's `steps` sets how many steps there are.
 */
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { saveLanguageModelCheckpoint } from '../../../src/model/checkpoint/index.js';
import { tf } from '../../../src/compute/tf.js';
import { initWeights, weightEntries } from '../../../src/model/weights.js';
import type { JobResult, TrainingJobSpec } from '../../../src/train/jobSpec.js';
import type { JobRegistry, LoadedModel, TrainHooks } from '../../../src/worker/jobs.js';
import { installNetGuard } from './netGuard.js';

if (process.env.LONGHAND_TEST_NET_LOG) installNetGuard(process.env.LONGHAND_TEST_NET_LOG);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function busy(ms: number): number {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}

async function saveTiny(spec: TrainingJobSpec, step: number, tokens: string[], loss: number): Promise<{ dir: string; sha256: string; bytes: number }> {
  const config = { vocabSize: tokens.length, embedDim: 4, hiddenSize: 8, layers: 1, cell: 'lstm' as const, dropout: 0 };
  const weights = initWeights(config, step);
  try {
    const dir = path.join(spec.checkpointDir, String(step));
    const digest = await saveLanguageModelCheckpoint(dir, {
      config,
      weights,
      tokenizer: { level: 'char', tokens },
      step,
      metrics: { loss },
    });
    return { dir, sha256: digest.sha256, bytes: digest.bytes };
  } finally {
    tf.dispose(weightEntries(weights).map(([, t]) => t));
  }
}

async function fakeTraining(spec: TrainingJobSpec, hooks: TrainHooks): Promise<JobResult> {
  const texts = spec.kind === 'lm' ? (spec.text.kind === 'documents' ? spec.text.documents : ['file']) : spec.pairs.kind === 'mined' ? spec.pairs.documents : ['pairs'];
  const tokens = [...new Set([...texts.join('')])].sort();
  while (tokens.length < 2) tokens.push(String.fromCharCode(65 + tokens.length));
  const budget = spec.config.budget;
  const total = 'steps' in budget ? budget.steps : 5;
  const mode = spec.name;
  const started = Date.now();
  let best = Number.POSITIVE_INFINITY;
  let step = spec.resumeFrom[0]?.step ?? 0;
  hooks.onEvent({ type: 'resumed', step: spec.resumeFrom[0]?.step ?? null, kept: spec.resumeFrom[0] ? { best: step, last: step } : null, rejected: [] });
  let previous: number | null = null;
  let valLoss: number | null = null;
  const checkpoint = async (loss: number) => {
    const saved = await saveTiny(spec, step, tokens, loss);
    const isBest = loss < best;
    best = Math.min(best, loss);
    const prunedSteps: number[] = [];
    if (mode.includes('prune') && previous !== null && previous !== step) {
      await fs.rm(path.join(spec.checkpointDir, String(previous)), { recursive: true, force: true });
      prunedSteps.push(previous);
    }
    previous = step;
    hooks.onEvent({ type: 'checkpoint', checkpoint: { step, ...saved, metrics: { 'validation.loss': loss }, isBest, isLast: true, prunedSteps } });
  };
  while (step < total) {
    step++;
    if (mode.includes('busy')) busy(40);
    if (mode.includes('slow')) await sleep(50);
    if (mode.includes('crash') && step === 2) {
      setTimeout(() => {
        throw new Error('test worker crash');
      });
      await sleep(1000);
    }
    if (mode.includes('fail') && step === 2) throw new Error('test job failure');
    const loss = 3 / (step + 1);
    hooks.onEvent({ type: 'metrics', points: [{ step, split: 'train', name: 'loss', value: loss }] });
    if (step % 2 === 0) {
      hooks.onEvent({ type: 'metrics', points: [{ step, split: 'validation', name: 'loss', value: loss + 0.1 }] });
      valLoss = loss + 0.1;
    }
    const elapsed = (Date.now() - started) / 1000;
    const sample = step === 2 ? `sample at step ${step}` : undefined;
    if (sample) hooks.onEvent({ type: 'sample', step, text: sample });
    hooks.onEvent({
      type: 'progress',
      progress: {
        step,
        totalSteps: total,
        epoch: step / total,
        trainLoss: loss,
        valLoss,
        bestValLoss: valLoss,
        tokensPerSec: 1000,
        etaSeconds: step > 1 ? (elapsed / step) * (total - step) : null,
        elapsedSeconds: elapsed,
        ...(sample ? { sample } : {}),
      },
    });
    if (step % 3 === 0 && step < total) await checkpoint(loss + 0.1);
    if (hooks.pauseRequested) {
      await checkpoint(loss + 0.1);
      hooks.onEvent({ type: 'paused', paused: true });
    }
    try {
      await hooks.waitIfPaused();
    } catch (error) {
      if (!hooks.signal.aborted) throw error;
    }
    if (hooks.signal.aborted) return result(hooks.signal.reason === 'longhand:interrupt' ? 'interrupted' : 'cancelled', step, total);
  }
  await checkpoint(3 / (step + 1) + 0.1);
  return result('completed', step, total);
}

function result(outcome: JobResult['outcome'], step: number, total: number): JobResult {
  return {
    outcome,
    step,
    totalSteps: total,
    epoch: step / total,
    resumedFromStep: null,
    trainLoss: null,
    finalValLoss: null,
    bestValLoss: null,
    testLoss: null,
    tokensPerSec: null,
    elapsedSeconds: 0,
    vocabSize: 0,
    parameters: 0,
    warnings: [],
  };
}

interface FakeModel extends LoadedModel {
  tokens: string[];
  dir: string;
}

let loads = 0;

export const jobs: Partial<JobRegistry> = {
  train: fakeTraining,
  async loadModel(checkpoint) {
    loads++;
    const tokenizer = JSON.parse(await fs.readFile(path.join(checkpoint.dir, 'tokenizer.json'), 'utf8')) as { tokens: string[] };
    const model: FakeModel = { kind: 'lm', tokens: tokenizer.tokens, dir: checkpoint.dir, dispose: () => undefined };
    return model;
  },
  async complete(model, request, context) {
    const { tokens } = model as FakeModel;
    if (request.text.includes('[probe-net]')) {
      // The offline test checks that the guard is active in the worker too.
      try {
        net.connect(80, '203.0.113.7').destroy();
        return { alternatives: [{ text: 'connected', score: 0 }] };
      } catch {
        return { alternatives: [{ text: 'refused', score: 0 }] };
      }
    }
    if (request.text.includes('[slow]')) {
      for (let i = 0; i < 200 && !context.signal.aborted; i++) await sleep(10);
    }
    const alternatives = Array.from({ length: request.n }, (_, i) => ({
      text: Array.from({ length: Math.min(request.maxTokens, 5) }, (_, j) => tokens[(i + j) % tokens.length]).join(''),
      score: -0.1 * (i + 1),
    }));
    for (const ch of alternatives[0]?.text ?? '') context.onToken(ch);
    return { alternatives: request.text.includes('[loads]') ? [{ text: String(loads), score: 0 }] : alternatives };
  },
  async reply(model, request, context) {
    const text = `echo: ${request.message}`;
    for (const word of text.split(' ')) context.onToken(`${word} `);
    return { reply: text, score: -0.5 };
  },
};
