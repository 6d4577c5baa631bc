import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { score } from '../../../src/generate/score.js';
import { captureIo } from '../../helpers/cli.js';
import { CORPUS, saveModel, tempDir, trainedCharModel } from '../generate/helpers.js';

let root: string;
let dir: string;
let expected: ReturnType<typeof score>;
const text = CORPUS.slice(0, 120);

beforeAll(async () => {
  root = await tempDir('longhand-cli-score-');
  dir = path.join(root, 'ckpt');
  const { model, tokenizer } = trainedCharModel();
  await saveModel(dir, model, tokenizer);
  expected = score(model, tokenizer, text);
  model.dispose();
  await fs.writeFile(path.join(root, 'text.txt'), text);
  await fs.writeFile(path.join(root, 'crlf.txt'), `\ufeff${text.replace(/\n/g, '\r\n')}`);
  await fs.writeFile(path.join(root, 'unknown.txt'), 'the cat ate €5 of café');
  await fs.writeFile(path.join(root, 'binary.bin'), Buffer.from([0x74, 0xff, 0xfe, 0x00]));
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

async function run(args: string[]) {
  const io = captureIo({ ...process.env, LONGHAND_HOME: path.join(root, 'home') });
  const code = await main(['score', ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('longhand score', () => {
  it('--json prints the documented keys with the values score() computes', async () => {
    const result = await run(['--model', dir, '--text', path.join(root, 'text.txt'), '--json']);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    const json = JSON.parse(result.out) as Record<string, number>;
    expect(Object.keys(json).slice(0, 4)).toEqual(['tokens', 'nll', 'perplexity', 'bits_per_char']);
    expect(json.tokens).toBe(120);
    expect(json.nll).toBeCloseTo(expected.nll, 5);
    expect(json.perplexity).toBeCloseTo(expected.perplexity, 4);
    expect(json.bits_per_char).toBeCloseTo(expected.bits_per_char, 5);
    expect(json).toMatchObject({ predicted_tokens: 119, predicted_chars: 119, model: dir });

    // A byte order mark and Windows line endings are normalised away, as when importing.
    const crlf = JSON.parse((await run(['--model', dir, '--text', path.join(root, 'crlf.txt'), '--json'])).out) as Record<string, number>;
    expect(crlf.tokens).toBe(120);
    expect(crlf.nll).toBeCloseTo(json.nll!, 9);
  });

  it('--model starter addresses the shipped starter model; curly quotes and -- score as the plain typography it learned', async () => {
    const plain = path.join(root, 'plain.txt');
    const curly = path.join(root, 'curly.txt');
    await fs.writeFile(plain, '"Yes," she said \u2014 and I can\'t wait.');
    await fs.writeFile(curly, '\u201CYes,\u201D she said -- and I can\u2019t wait.');
    const a = await run(['--model', 'starter', '--text', plain, '--json']);
    const b = await run(['--model', 'starter', '--text', curly, '--json']);
    expect(a.err).toBe('');
    const [pa, pb] = [JSON.parse(a.out) as Record<string, unknown>, JSON.parse(b.out) as Record<string, unknown>];
    expect(path.resolve(String(pa.model))).toBe(path.resolve('resources/starter/model'));
    expect(pb).toEqual(pa);
  });

  it('prints a readable summary', async () => {
    const result = await run(['--model', dir, '--text', path.join(root, 'text.txt')]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('120 tokens (119 predicted, 119 characters)');
    expect(result.out).toMatch(/perplexity: +\d+\.\d{3}/);
  });

  it('exits 1 with one line naming unknown characters, or for a missing file, missing or corrupt model', async () => {
    const unknown = await run(['--model', dir, '--text', path.join(root, 'unknown.txt'), '--json']);
    expect(unknown).toEqual({ code: 1, out: '', err: 'longhand: unknown characters: "€", "5", "f", "é"\n' });

    const noFile = await run(['--model', dir, '--text', path.join(root, 'missing.txt')]);
    expect(noFile.code).toBe(1);
    expect(noFile.err).toMatch(/^longhand: no such file: .*missing\.txt\n$/);
    const notText = await run(['--model', dir, '--text', path.join(root, 'binary.bin')]);
    expect(notText.err).toMatch(/^longhand: .*binary\.bin is not UTF-8 text\n$/);

    const noModel = await run(['--model', path.join(root, 'nope'), '--text', path.join(root, 'text.txt')]);
    expect(noModel.code).toBe(1);
    expect(noModel.err).toMatch(/^longhand: checkpoint .*nope does not exist\n$/);

    const corrupt = path.join(root, 'corrupt');
    await fs.cp(dir, corrupt, { recursive: true });
    await fs.writeFile(path.join(corrupt, 'model.json'), '{ not json');
    const bad = await run(['--model', corrupt, '--text', path.join(root, 'text.txt')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^longhand: .*model\.json.*\n$/);
    expect(bad.err.split('\n')).toHaveLength(2);
  });
});
