import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { openStore } from '../../../src/store/index.js';
import { captureIo } from '../../helpers/cli.js';
import { saveModel, tempDir, trainedCharModel } from '../generate/helpers.js';

let root: string;
let dir: string;
let sha256: string;

beforeAll(async () => {
  root = await tempDir('longhand-cli-gen-');
  dir = path.join(root, 'ckpt');
  const { model, tokenizer } = trainedCharModel();
  sha256 = await saveModel(dir, model, tokenizer);
  model.dispose();
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

async function run(args: string[], env: NodeJS.ProcessEnv = { ...process.env, LONGHAND_HOME: path.join(root, 'home') }) {
  const io = captureIo(env);
  const code = await main(['generate', ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('longhand generate', () => {
  it('--json prints {text, tokens, seed, model}; plain prints the prime and the text', async () => {
    const json = await run(['--model', dir, '--prime', 'the cat ', '--length', '20', '--temperature', '0', '--json']);
    expect(json.code).toBe(0);
    expect(json.err).toBe('');
    expect(json.out.trimEnd().split('\n')).toHaveLength(1);
    const result = JSON.parse(json.out) as Record<string, unknown>;
    expect(result).toMatchObject({ tokens: 20, model: dir, prime: 'the cat ', stopReason: 'max-tokens' });
    expect(typeof result.text).toBe('string');
    expect(result.text).toHaveLength(20);
    expect(Number.isInteger(result.seed)).toBe(true);
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);

    const plain = await run(['--model', dir, '--prime', 'the cat ', '--length', '20', '--temperature', '0']);
    expect(plain.code).toBe(0);
    expect(plain.out).toBe(`the cat ${result.text as string}\n`);
  });

  it('repeats a sampled text with the same --seed', async () => {
    const args = ['--model', dir, '--prime', 'a ', '--length', '40', '--temperature', '1', '--top-k', '5', '--top-p', '0.95', '--repetition-penalty', '1.2', '--json'];
    const a = JSON.parse((await run([...args, '--seed', '7'])).out) as { text: string; seed: number };
    const b = JSON.parse((await run([...args, '--seed', '7'])).out) as { text: string; seed: number };
    expect(b).toEqual(a);
    expect(a.seed).toBe(7);
  });

  it('--stop ends at a boundary; --beam N lists the N best as alternatives', async () => {
    const sentence = JSON.parse((await run(['--model', dir, '--prime', 'the dog ', '--temperature', '0', '--stop', 'sentence', '--json'])).out) as { text: string; stopReason: string };
    expect(sentence.stopReason).toBe('sentence');
    expect(sentence.text).toMatch(/\.$/);

    const beam = await run(['--model', dir, '--prime', 'the ', '--beam', '3', '--stop', 'word', '--json']);
    expect(beam.code).toBe(0);
    const result = JSON.parse(beam.out) as { text: string; seed: null; alternatives: { text: string; score: number }[] };
    expect(result.seed).toBeNull();
    expect(result.alternatives).toHaveLength(3);
    expect(result.alternatives[0]!.text).toBe(result.text);
    for (const alternative of result.alternatives) expect(alternative.text).toMatch(/^\S+$/);

    const plain = await run(['--model', dir, '--prime', 'the ', '--beam', '2', '--stop', 'word']);
    expect(plain.out).toMatch(/^the \S+\n--- alternative 2 \(score -\d+\.\d{3}\) ---\nthe \S+\n$/);
  });

  it('loads a training run by id from the data directory', async () => {
    const home = path.join(root, 'home-run');
    const store = openStore(home);
    const runRow = store.runs.create({ kind: 'lm', name: 'test' });
    const relative = path.join('models', String(runRow.id), '10');
    await fs.cp(dir, path.join(home, relative), { recursive: true });
    store.checkpoints.add({ runId: runRow.id, step: 10, path: relative, sha256, bytes: 1 });
    store.close();
    const result = await run(['--model', String(runRow.id), '--prime', 'the ', '--length', '5', '--json'], { ...process.env, LONGHAND_HOME: home });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ model: path.join(home, relative), sha256, tokens: 5 });
  });

  it('exits 1 with one line for unknown characters, a missing or corrupt model, or a bad option', async () => {
    const unknown = await run(['--model', dir, '--prime', 'the €uro and the café']);
    expect(unknown).toEqual({ code: 1, out: '', err: 'longhand: unknown characters: "€", "u", "f", "é"\n' });

    const missing = await run(['--model', path.join(root, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^longhand: checkpoint .*nope does not exist\n$/);

    const corrupt = path.join(root, 'corrupt');
    await fs.cp(dir, corrupt, { recursive: true });
    const weights = await fs.readFile(path.join(corrupt, 'weights.bin'));
    weights[3] = weights[3]! ^ 0xff;
    await fs.writeFile(path.join(corrupt, 'weights.bin'), weights);
    const changed = await run(['--model', corrupt]);
    expect(changed.code).toBe(1);
    expect(changed.err).toMatch(/^longhand: .*weights\.bin.*\n$/);

    const noRun = await run(['--model', '42']);
    expect(noRun.code).toBe(1);
    expect(noRun.err).toMatch(/^longhand: no checkpoint directory .*42, and no run 42/);

    for (const bad of [['--temperature', '-1'], ['--top-p', '0'], ['--stop', 'paragraph'], ['--length', '0'], ['--beam', '2.5']]) {
      const result = await run(['--model', dir, ...bad]);
      expect(result.code, bad.join(' ')).toBe(1);
      expect(result.err).toMatch(/^longhand: --[a-z-]+ must be .*\n$/);
    }
    expect((await run([])).code).toBe(2);
  });
});
