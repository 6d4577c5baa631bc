import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { verifyCheckpointDir } from '../../../src/model/checkpoint/index.js';
import { openStore } from '../../../src/store/index.js';
import { captureIo, type CapturedIo } from '../../helpers/cli.js';
import { useTempDir } from '../store/tempDir.js';

const TEXT = fileURLToPath(new URL('../../fixtures/text/shakespeare-20k.txt', import.meta.url));
const TINY = ['--embed', '8', '--hidden', '16', '--seq', '16', '--batch', '4', '--eval-tokens', '1000', '--sample-every', '0', '--backend', 'cpu'];
const PAIRS = fileURLToPath(new URL('../../fixtures/seq2seq/dialogue.tsv', import.meta.url));
const TINY_SEQ2SEQ = ['--embed', '8', '--hidden', '8', '--batch', '4', '--sample-every', '0', '--backend', 'cpu'];

type Line = Record<string, unknown> & { type: string };

describe('longhand train', () => {
  const dir = useTempDir('longhand-cli-train-');
  const home = (): string => path.join(dir(), 'home');

  async function run(argv: string[], onOut?: (text: string) => void): Promise<{ code: number; io: CapturedIo; lines: () => Line[] }> {
    const io = captureIo({ LONGHAND_HOME: home() });
    if (onOut) {
      const out = io.out;
      io.out = (text) => {
        out(text);
        onOut(text);
      };
    }
    const code = await main(argv, io);
    const lines = () => io.stdout().trim().split('\n').map((l) => JSON.parse(l) as Line);
    return { code, io, lines };
  }

  /** The runs of the data directory's store, read in a store opened for the purpose. */
  function withStore<T>(read: (store: ReturnType<typeof openStore>) => T): T {
    const store = openStore(home());
    try {
      return read(store);
    } finally {
      store.close();
    }
  }

  it('trains with --json: one line per progress event, a final summary, and a verified --out copy', async () => {
    const out = path.join(dir(), 'model');
    const { code, io, lines } = await run(['train', 'lm', '--text', TEXT, ...TINY, '--steps', '6', '--eval-every', '3', '--json', '--out', out]);
    expect(io.stderr()).toBe('');
    expect(code).toBe(0);
    const all = lines();
    const progress = all.filter((l) => l.type === 'progress');
    expect(progress.at(-1)).toMatchObject({ step: 6, totalSteps: 6, final: true });
    expect(progress.filter((l) => l.evaluated).map((l) => l.step)).toEqual([3]);
    const result = all.at(-1)!;
    expect(result).toMatchObject({ type: 'result', status: 'finished', step: 6, backend: 'cpu', outDir: out });
    expect(all.filter((l) => l.type === 'result')).toHaveLength(1);
    const best = result.bestCheckpoint as { sha256: string; step: number };
    expect((await verifyCheckpointDir(out, best.sha256)).sha256).toBe(best.sha256);
    expect(fs.readdirSync(out).sort()).toEqual(['longhand.json', 'model.json', 'optimizer.bin', 'tokenizer.json', 'weights.bin']);

    const store = openStore(home());
    try {
      const row = store.runs.get(result.runId as number)!;
      expect(row).toMatchObject({ status: 'finished', backend: 'cpu', corpusId: null });
      expect(row.config.text).toEqual({ kind: 'file', path: TEXT });
      expect(store.corpora.list()).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('prints a line per evaluation and a summary without --json', async () => {
    const { code, io } = await run(['train', 'lm', '--text', TEXT, ...TINY, '--steps', '4', '--eval-every', '2']);
    expect(code).toBe(0);
    expect(io.stdout()).toMatch(/^step 2\/4 +\[#{10}\.{10}\] +epoch 0\.\d\d +loss \d\.\d{3} +val \d\.\d{3}/m);
    expect(io.stdout()).toMatch(/^run 1 finished on cpu: step 4/m);
    expect(io.stdout()).toMatch(/^best checkpoint: step 4, /m);
  });

  it('redraws one progress line on a terminal', async () => {
    const io = captureIo({ LONGHAND_HOME: home() });
    io.isTty = true;
    const code = await main(['train', 'lm', '--text', TEXT, ...TINY, '--steps', '4', '--eval-every', '2', '--sample-every', '2'], io);
    expect(code).toBe(0);
    const out = io.stdout();
    expect(out).toContain('\r\x1b[K');
    expect(out).toMatch(/── sample at step 2 ──\n/);
    expect(out).toContain('\r\x1b[Krun 1 finished on cpu: step 4');
  });

  it('exits 2 on usage errors', async () => {
    for (const argv of [
      ['train'],
      ['train', 'lm'],
      ['train', 'lm', '--text', TEXT, '--steps', '3', '--minutes', '2'],
      ['train', 'lm', '--text', TEXT, '--corpus', 'x'],
      ['train', 'lm', '--text', TEXT, '--split', '90/20/0'],
      ['train', 'lm', '--text', TEXT, '--level', 'syllable'],
      ['train', 'lm', '--text', TEXT, '--resume', '1'],
      ['train', 'lm', '--text', TEXT, '--hidden', '2'],
      ['train', 'lm', '--text', TEXT, '--epochs', '-1'],
    ]) {
      const { code, io } = await run(argv);
      expect({ argv, code }).toEqual({ argv, code: 2 });
      expect(io.stderr()).not.toBe('');
    }
  });

  it('exits 1 with one line for an unknown corpus, a refused file or an unknown run', async () => {
    const bad = path.join(dir(), 'bad.txt');
    fs.writeFileSync(bad, Buffer.from([0x41, 0x00, 0x42]));
    for (const [argv, message] of [
      [['train', 'lm', '--corpus', 'nope', ...TINY], /^longhand: no corpus named "nope"/],
      [['train', 'lm', '--text', bad, ...TINY], /looks binary|NUL/],
      [['train', '--resume', '99'], /^longhand: there is no run 99\n$/],
    ] as const) {
      const { code, io } = await run([...argv]);
      expect(code).toBe(1);
      expect(io.stderr()).toMatch(message);
      expect(io.stderr().trim().split('\n')).toHaveLength(1);
    }
  });

  it('recovers from a divergence at half the learning rate and says so (a second one fails the run: test/unit/train/rollback.test.ts)', async () => {
    const { code, lines } = await run(['train', 'lm', '--text', TEXT, ...TINY, '--hidden', '64', '--embed', '32', '--steps', '60', '--lr', '1', '--clip', '0', '--warmup', '0', '--json']);
    expect(code).toBe(0);
    const back = lines().filter((l) => l.type === 'rolledBack');
    expect(back).toMatchObject([{ lrScale: 0.5, reason: expect.stringMatching(/^diverged at step \d+: /) }]);
    expect(lines().at(-1)).toMatchObject({ type: 'result', status: 'finished', step: 60 });
    expect(lines().at(-1)!.warnings).toEqual([expect.stringMatching(/^diverged at step \d+: .*; went back to .* learning rate × 0.5$/)]);
  });

  it('Ctrl-C cancels (exit 130), SIGTERM interrupts (exit 143) and --resume finishes the run', async () => {
    let sent = false;
    const signalAt = (signal: 'SIGINT' | 'SIGTERM') => (text: string) => {
      if (!sent && text.includes('"evaluated":true')) {
        sent = true;
        process.emit(signal);
      }
    };
    // The evaluation at step 2 improves the best, so it is checkpointed; the signal arrives right after it.
    const cancelled = await run(['train', 'lm', '--text', TEXT, ...TINY, '--steps', '8', '--eval-every', '2', '--json'], signalAt('SIGINT'));
    expect(cancelled.code).toBe(130);
    expect(cancelled.lines().at(-1)).toMatchObject({ type: 'result', status: 'cancelled', step: 2 });
    expect((cancelled.lines().at(-1)!.lastCheckpoint as { step: number }).step).toBe(2);

    sent = false;
    const interrupted = await run(['train', 'lm', '--text', TEXT, ...TINY, '--steps', '8', '--eval-every', '3', '--json'], signalAt('SIGTERM'));
    expect(interrupted.code).toBe(143);
    const runId = interrupted.lines().at(-1)!.runId as number;
    expect(interrupted.lines().at(-1)).toMatchObject({ status: 'interrupted', step: 3 });

    const resumed = await run(['train', '--resume', String(runId), '--json']);
    expect(resumed.code).toBe(0);
    expect(resumed.lines().at(-1)).toMatchObject({ type: 'result', status: 'finished', step: 8, resumedFromStep: 3 });
    expect(process.listenerCount('SIGINT')).toBe(0);

    const again = await run(['train', '--resume', String(runId)]);
    expect(again.code).toBe(1);
    expect(again.io.stderr()).toMatch(/run \d+ is finished; only interrupted/);
  });

  it('fine-tunes with --from a checkpoint folder or a run, taking the parent\'s architecture and recording it', async () => {
    const parentDir = path.join(dir(), 'parent');
    const parent = await run(['train', 'lm', '--text', TEXT, ...TINY, '--steps', '3', '--json', '--out', parentDir]);
    expect(parent.code).toBe(0);
    const parentRun = parent.lines().at(-1)!.runId as number;

    const fromDir = await run(['train', 'lm', '--text', TEXT, '--from', parentDir, '--steps', '3', '--eval-tokens', '500', '--sample-every', '0', '--backend', 'cpu', '--json']);
    expect(fromDir.io.stderr()).toBe('');
    expect(fromDir.lines().at(-1)).toMatchObject({ type: 'result', status: 'finished', step: 3 });
    const fromRun = await run(['train', 'lm', '--text', TEXT, '--from', String(parentRun), '--steps', '2', '--eval-tokens', '500', '--sample-every', '0', '--backend', 'cpu', '--json']);
    expect(fromRun.code).toBe(0);
    const store = openStore(home());
    try {
      const [a, b] = [fromDir.lines().at(-1)!.runId, fromRun.lines().at(-1)!.runId].map((id) => store.runs.get(id as number)!.config);
      expect(a).toMatchObject({ from: { kind: 'dir', path: parentDir }, embed: 8, hidden: 16, lr: 0.002 });
      expect(b!.from).toEqual({ kind: 'checkpoint', checkpointId: store.checkpoints.best(parentRun)!.id });
    } finally {
      store.close();
    }
  });

  it('resumes a fine-tuned run whose parent checkpoint was deleted since: its own checkpoint has everything', async () => {
    const parent = await run(['train', 'lm', '--text', TEXT, ...TINY, '--steps', '3', '--json']);
    const parentRun = parent.lines().at(-1)!.runId as number;
    let sent = false;
    const child = await run(
      ['train', 'lm', '--text', TEXT, '--from', String(parentRun), '--steps', '6', '--eval-every', '2', '--eval-tokens', '500', '--sample-every', '0', '--backend', 'cpu', '--json'],
      (text) => {
        if (!sent && text.includes('"evaluated":true')) {
          sent = true;
          process.emit('SIGTERM');
        }
      },
    );
    expect(child.code).toBe(143);
    const childRun = child.lines().at(-1)!.runId as number;
    withStore((store) => {
      for (const c of store.checkpoints.listByRun(parentRun)) store.checkpoints.remove(c.id);
      expect(store.checkpoints.best(parentRun)).toBeUndefined();
    });
    const resumed = await run(['train', '--resume', String(childRun), '--json']);
    expect(resumed.io.stderr()).toBe('');
    expect(resumed.lines().at(-1)).toMatchObject({ type: 'result', status: 'finished', step: 6, resumedFromStep: 2 });
  });

  it('refuses --from a missing, damaged or seq2seq model, and a level its parent does not have: one line, nothing written', async () => {
    const parentDir = path.join(dir(), 'parent');
    expect((await run(['train', 'lm', '--text', TEXT, ...TINY, '--steps', '2', '--out', parentDir])).code).toBe(0);
    const damaged = path.join(dir(), 'damaged');
    fs.cpSync(parentDir, damaged, { recursive: true });
    fs.appendFileSync(path.join(damaged, 'weights.bin'), 'x');
    const seq2seq = path.join(dir(), 'dialogue');
    const trained = await run(['train', 'seq2seq', '--pairs', PAIRS, '--task', 'dialogue', '--embed', '8', '--hidden', '8', '--steps', '1', '--backend', 'cpu', '--json', '--out', seq2seq]);
    expect(trained.code).toBe(0);
    const runsBefore = withStore((store) => store.runs.list().length);
    for (const [from, extra, message] of [
      [path.join(dir(), 'nothing'), [], /is not a Longhand checkpoint/],
      [damaged, [], /the parent model cannot be used: .*weights\.bin/],
      [seq2seq, [], /holds a seq2seq model; only a language model can be fine-tuned/],
      [`run:${trained.lines().at(-1)!.runId as number}`, [], /is a seq2seq run, not a language model/],
      [parentDir, ['--level', 'word'], /reads text as characters; a fine-tuned model keeps its parent's level \(asked for word\)/],
    ] as const) {
      const { code, io } = await run(['train', 'lm', '--text', TEXT, '--from', from, ...extra, '--steps', '2', '--backend', 'cpu']);
      expect({ from, code }).toEqual({ from, code: 1 });
      expect(io.stderr()).toMatch(message);
      expect(io.stderr().trim().split('\n')).toHaveLength(1);
    }
    expect(withStore((store) => store.runs.list())).toHaveLength(runsBefore);
  });

  it("fine-tunes a seq2seq model with --from a folder or a run: its task, and its architecture whatever the flags say", async () => {
    const parentDir = path.join(dir(), 'dialogue');
    const parent = await run(['train', 'seq2seq', '--pairs', PAIRS, '--task', 'dialogue', ...TINY_SEQ2SEQ, '--attention', 'bahdanau', '--steps', '2', '--json', '--out', parentDir]);
    expect(parent.code).toBe(0);
    const parentRun = parent.lines().at(-1)!.runId as number;

    const fromDir = await run(['train', 'seq2seq', '--pairs', PAIRS, '--from', parentDir, '--hidden', '32', '--steps', '2', '--sample-every', '0', '--backend', 'cpu', '--json']);
    expect(fromDir.io.stderr()).toBe("longhand: a fine-tuned model keeps its parent's architecture and vocabulary, not hidden 32 (the parent's: 8)\n");
    expect(fromDir.lines().at(-1)).toMatchObject({ type: 'result', status: 'finished', step: 2 });
    const fromRun = await run(['train', 'seq2seq', '--pairs', PAIRS, '--from', `run:${parentRun}`, '--steps', '1', '--sample-every', '0', '--backend', 'cpu', '--json']);
    expect(fromRun.io.stderr()).toBe('');
    expect(fromRun.code).toBe(0);
    withStore((store) => {
      const [a, b] = [fromDir.lines().at(-1)!.runId, fromRun.lines().at(-1)!.runId].map((id) => store.runs.get(id as number)!.config);
      expect(a).toMatchObject({ task: 'dialogue', from: { kind: 'dir', path: parentDir }, embed: 8, hidden: 8, attention: 'bahdanau', copy: false, lr: 3e-4 });
      expect(b!.from).toEqual({ kind: 'checkpoint', checkpointId: store.checkpoints.best(parentRun)!.id });
    });
  });

  it('refuses train seq2seq --from a language model (a folder or a run), a missing or damaged folder: one line, nothing written', async () => {
    const lmDir = path.join(dir(), 'lm');
    const lm = await run(['train', 'lm', '--text', TEXT, ...TINY, '--steps', '1', '--json', '--out', lmDir]);
    expect(lm.code).toBe(0);
    const damaged = path.join(dir(), 'damaged');
    expect((await run(['train', 'seq2seq', '--pairs', PAIRS, '--task', 'dialogue', ...TINY_SEQ2SEQ, '--steps', '1', '--out', damaged])).code).toBe(0);
    fs.appendFileSync(path.join(damaged, 'weights.bin'), 'x');
    const runsBefore = withStore((store) => store.runs.list().length);
    for (const [from, message] of [
      [path.join(dir(), 'nothing'), /is not a Longhand checkpoint/],
      [damaged, /the parent model cannot be used: .*weights\.bin/],
      [lmDir, /holds a language model; only a seq2seq model can be fine-tuned into a seq2seq model/],
      [`run:${lm.lines().at(-1)!.runId as number}`, /is a lm run, not a seq2seq model/],
    ] as const) {
      const { code, io } = await run(['train', 'seq2seq', '--pairs', PAIRS, '--from', from, '--steps', '1', '--backend', 'cpu']);
      expect({ from, code }).toEqual({ from, code: 1 });
      expect(io.stderr()).toMatch(message);
      expect(io.stderr().trim().split('\n')).toHaveLength(1);
    }
    expect(withStore((store) => store.runs.list())).toHaveLength(runsBefore);
    expect(fs.readdirSync(path.join(home(), 'models')).sort()).toEqual(['1', '2']);
  });
});
