/**
 * The seq2seq commands end to end, in-process through main() with a temporary data directory: `train seq2seq`
 * records a 'seq2seq' run with metrics and checkpoints and exports the best one; `summarize`, `reply` and `eval`
 * use it (JSON with tokens and attention; ROUGE with lead baselines; BLEU and perplexity); an interrupted run
 * resumes to the end through `longhand train --resume`; pairs mined from a writer's document train through the same entry point.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { openStore } from '../../../src/store/index.js';
import { distinctN } from '../../../src/eval/index.js';
import { minePairs } from '../../../src/text/pairs/index.js';
import { resolveSeq2seqConfig } from '../../../src/train/config.js';
import { trainRun } from '../../../src/train/trainRun.js';
import { INTERRUPT } from '../../../src/train/task.js';
import { captureIo } from '../../helpers/cli.js';
import { useBackend } from '../../helpers/tf.js';
import { useTempDir } from '../../unit/store/tempDir.js';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const summaries = path.join(fixtures, 'seq2seq', 'summaries.jsonl');
const dialogue = path.join(fixtures, 'seq2seq', 'dialogue.tsv');
const small = ['--embed', '16', '--hidden', '16', '--dropout', '0', '--warmup', '0', '--lr', '0.02', '--eval-every', '10', '--sample-every', '10', '--backend', 'wasm'];

describe('seq2seq commands', () => {
  const tmp = useTempDir();
  const run = async (...argv: string[]) => {
    const io = captureIo({ ...process.env, LONGHAND_HOME: path.join(tmp(), 'home') });
    const code = await main(argv, io);
    return { code, out: io.stdout(), err: io.stderr() };
  };

  it('trains a summarizer, then summarizes and evaluates with it', async () => {
    const out = path.join(tmp(), 'model');
    const train = await run('train', 'seq2seq', '--pairs', summaries, '--valid', summaries, '--task', 'summarize', '--coverage', ...small, '--steps', '30', '--out', out, '--json');
    expect(train.err).toBe('');
    expect(train.code).toBe(0);
    const lines = train.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const result = lines.at(-1)!;
    expect(result).toMatchObject({ type: 'result', status: 'finished', step: 30 });
    expect(lines.some((l) => typeof l.sample === 'string')).toBe(true);
    const store = openStore(path.join(tmp(), 'home'));
    try {
      const row = store.runs.get(result.runId as number)!;
      expect(row.kind).toBe('seq2seq');
      expect(row.config).toMatchObject({ task: 'summarize', coverage: true, copy: true, pairs: { kind: 'file', path: summaries } });
      expect(store.checkpoints.best(row.id)).toBeTruthy();
      const metrics = store.metrics.list(row.id);
      expect(metrics.some((m) => m.name === 'loss' && m.split === 'validation')).toBe(true);
      // What the app shows for a run started in a terminal: its last progress and the samples along the way.
      expect(store.runs.progress(row.id)).toMatchObject({ step: 30, totalSteps: 30 });
      expect(store.samples.latest(row.id, 10).map((r) => r.step).sort((a, b) => a - b)).toEqual([10, 20]);
    } finally {
      store.close();
    }
    expect((await fs.readdir(out)).sort()).toContain('seq2seq.json');

    const input = path.join(tmp(), 'article.txt');
    await fs.writeFile(input, 'Harbour Lights\n\nMarguerite Okonkwo-Vale opened a bakery in Zanzibarville on Monday. Queues formed before dawn.');
    const s = await run('summarize', '--model', out, '--input', input, '--beam', '3', '--json');
    expect(s.code).toBe(0);
    const summary = JSON.parse(s.out) as { summary: string; sourceTokens: string[]; summaryTokens: string[]; attention: number[][] };
    expect(summary.sourceTokens).toContain('Zanzibarville');
    expect(summary.attention).toHaveLength(summary.summaryTokens.length);
    for (const row of summary.attention) expect(row).toHaveLength(summary.sourceTokens.length);
    expect(summary.summaryTokens.length).toBeGreaterThan(0);
    // With no --min-length the summary is about as long, for its source, as the training summaries were.
    const meta = JSON.parse(await fs.readFile(path.join(out, 'longhand.json'), 'utf8')) as { targetLength: { perSourceToken: number }; config: { maxTargetLen: number } };
    expect(meta.targetLength.perSourceToken).toBeGreaterThan(0.2);
    expect(meta.targetLength.perSourceToken).toBeLessThan(0.8);
    const usual = Math.min(meta.config.maxTargetLen, Math.round(meta.targetLength.perSourceToken * summary.sourceTokens.length));
    expect(summary.summaryTokens.length).toBeGreaterThanOrEqual(usual);
    const short = JSON.parse((await run('summarize', '--model', out, '--input', input, '--beam', '3', '--min-length', '0', '--json')).out) as { summaryTokens: string[] };
    expect(short.summaryTokens.length).toBeLessThanOrEqual(summary.summaryTokens.length);

    const e = await run('eval', '--model', out, '--pairs', summaries, '--json');
    expect(e.code).toBe(0);
    const report = JSON.parse(e.out) as { pairs: number; perplexity: number; model: { rouge: { rouge1: number } }; baselines: Record<string, { rouge: { rouge1: number } }> };
    expect(report.pairs).toBe(5);
    expect(report.perplexity).toBeGreaterThan(1);
    expect(report.model.rouge.rouge1).toBeGreaterThanOrEqual(0);
    expect(report.model.rouge.rouge1).toBeLessThanOrEqual(1);
    // The lead sentence is the reference here, so lead-1 is perfect.
    expect(report.baselines.lead1!.rouge.rouge1).toBeCloseTo(1, 5);
    const plain = await run('eval', '--model', out, '--pairs', summaries);
    expect(plain.out).toMatch(/lead-3/);

    const missing = await run('summarize', '--model', path.join(tmp(), 'nothing'), '--input', input);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^longhand: checkpoint .* does not exist\n$/);
  }, 120_000);

  it('trains a dialogue model and replies; refuses a malformed pairs file with its line numbers', async () => {
    const out = path.join(tmp(), 'chat');
    const train = await run('train', 'seq2seq', '--pairs', dialogue, '--task', 'dialogue', '--valid-fraction', '0', '--attention', 'bahdanau', ...small, '--steps', '20', '--out', out);
    expect(train.code).toBe(0);
    expect(train.out).toMatch(/finished/);
    const r = await run('reply', '--model', out, 'Shall', 'we', 'eat', 'now?', '--json', '--seed', '3');
    expect(r.code).toBe(0);
    const reply = JSON.parse(r.out) as { reply: string; tokens: string[]; sourceTokens: string[]; attention: number[][] };
    expect(reply.sourceTokens).toEqual(['Shall', 'we', 'eat', 'now', '?']);
    expect(reply.attention).toHaveLength(reply.tokens.length);
    const again = await run('reply', '--model', out, 'Shall', 'we', 'eat', 'now?', '--json', '--seed', '3');
    expect(JSON.parse(again.out)).toEqual(reply);
    const e = await run('eval', '--model', out, '--pairs', dialogue, '--json');
    type Figures = { bleu1: number; bleu2: number; bleu4: number; distinct1: number; distinct2: number };
    const report = JSON.parse(e.out) as { task: string; model: { bleu: number; dialogue: Figures }; baselines: { echo: { bleu: number; dialogue: Figures }; mostFrequent: { reply: string; dialogue: Figures } }; perplexity: number };
    expect(report.task).toBe('dialogue');
    expect(Number.isFinite(report.model.bleu)).toBe(true);
    expect(report.model.dialogue.bleu4).toBe(report.model.bleu);
    expect(Number.isFinite(report.baselines.echo.bleu)).toBe(true);
    // The most frequent reply, given to every message: one of the references, and one reply's n-grams only.
    const references = (await fs.readFile(dialogue, 'utf8')).trim().split('\n').slice(1).map((l) => l.split('\t')[1]); // after the header
    expect(references).toContain(report.baselines.mostFrequent.reply);
    expect(report.baselines.mostFrequent.dialogue.distinct1).toBeCloseTo(distinctN([report.baselines.mostFrequent.reply], 1) / references.length, 12);
    expect(report.perplexity).toBeGreaterThan(1);

    const bad = await run('train', 'seq2seq', '--pairs', path.join(fixtures, 'pairs', 'malformed.jsonl'), '--steps', '2', '--backend', 'wasm');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/malformed\.jsonl: \d+ malformed lines? \(line \d+/);
  }, 120_000);

  it('addresses the shipped dialogue starter by name: reply and eval --model starter-dialogue', async () => {
    const r = await run('reply', '--model', 'starter-dialogue', 'Where', 'have', 'you', 'been?', '--json');
    expect(r.err).toBe('');
    const reply = JSON.parse(r.out) as { reply: string; tokens: string[]; sourceTokens: string[] };
    expect(reply.sourceTokens).toEqual(['Where', 'have', 'you', 'been', '?']);
    expect(reply.tokens.length).toBeGreaterThan(0);
    const e = await run('eval', '--model', 'starter-dialogue', '--pairs', dialogue, '--examples', '0', '--json');
    expect(e.err).toBe('');
    const report = JSON.parse(e.out) as { checkpoint: string; task: string; pairs: number; perplexity: number };
    expect(report).toMatchObject({ checkpoint: 'starter-dialogue', task: 'dialogue', pairs: 5 });
    // Far from a model that learnt nothing (its vocabulary has 8,000 words).
    expect(report.perplexity).toBeLessThan(500);
  });

  it('resumes an interrupted run, and trains on pairs mined from a document', async () => {
    await useBackend('wasm');
    const home = path.join(tmp(), 'home');
    const store = openStore(home);
    try {
      const config = { task: 'dialogue' as const, embed: 8, hidden: 8, dropout: 0, evalEvery: 5, sampleEvery: 0, validationFraction: 0, budget: { steps: 12 }, checkpointEvery: 4, checkpointMinutes: 0 };
      const id = store.runs.create({ kind: 'seq2seq', name: 'resume', config: resolveSeq2seqConfig({ ...config, pairs: { kind: 'file', path: dialogue } }) }).id;
      const controller = new AbortController();
      const first = await trainRun(store, id, {
        signal: controller.signal,
        loop: { progressIntervalMs: 0 },
        onEvent: (e) => void (e.type === 'progress' && e.progress.step >= 6 && controller.abort(INTERRUPT)),
      });
      expect(first.status).toBe('interrupted');
      // `longhand train --resume RUN` continues any kind of run.
      const resumed = await run('train', '--resume', String(id), '--backend', 'wasm', '--json');
      expect(resumed.err).toBe('');
      expect(resumed.code).toBe(0);
      const second = JSON.parse(resumed.out.trim().split('\n').at(-1)!) as { status: string; step: number; resumedFromStep: number };
      expect(second).toMatchObject({ status: 'finished', step: 12 });
      expect(second.resumedFromStep).toBeGreaterThanOrEqual(4);

      const story = await fs.readFile(path.join(fixtures, 'pairs', 'story.txt'), 'utf8');
      expect(minePairs(story, { docId: 'story' }).length).toBeGreaterThan(0);
      const corpus = store.corpora.create('story');
      store.documents.add(corpus.id, { title: 'story', text: story });
      const pairs = { kind: 'mined' as const, corpusId: corpus.id };
      const minedId = store.runs.create({ kind: 'seq2seq', name: 'mined', corpusId: corpus.id, config: resolveSeq2seqConfig({ ...config, budget: { steps: 3 }, pairs }) }).id;
      const trained = await trainRun(store, minedId);
      expect(trained.status).toBe('finished');
      expect(store.runs.get(minedId)!.config).toMatchObject({ pairs });
    } finally {
      store.close();
    }
  }, 120_000);
});
