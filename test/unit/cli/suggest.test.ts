import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { ModelHandle } from '../../../src/generate/handle.js';
import { suggest } from '../../../src/generate/suggest.js';
import { captureIo } from '../../helpers/cli.js';
import { saveModel, tempDir, trainedCharModel } from '../generate/helpers.js';

let root: string;
let dir: string;
let handle: ModelHandle;

beforeAll(async () => {
  root = await tempDir('longhand-cli-suggest-');
  dir = path.join(root, 'ckpt');
  const { model, tokenizer } = trainedCharModel();
  await saveModel(dir, model, tokenizer);
  handle = new ModelHandle(model, tokenizer);
});
afterAll(async () => {
  handle.dispose();
  await fs.rm(root, { recursive: true, force: true });
});

async function run(args: string[]) {
  const io = captureIo({ ...process.env, LONGHAND_HOME: path.join(root, 'home') });
  const code = await main(['suggest', ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('longhand suggest', () => {
  it('prints what the editor’s suggestion function gives, with --json the policy’s inputs too', async () => {
    for (const before of ['the dog sat on the lo', 'the cat sat on the mat. the dog sat', 'a cat saw a dog. the dog ']) {
      const expected = (await suggest(handle, { before, n: 2 })).alternatives;
      const json = await run(['--model', dir, '--before', before, '--n', '2', '--json']);
      expect(json.code).toBe(0);
      const result = JSON.parse(json.out) as Record<string, unknown>;
      expect(result).toMatchObject({ before, shown: expected.length > 0, model: dir });
      expect((result.alternatives as { text: string }[]).map((a) => a.text)).toEqual(expected.map((a) => a.text));
      const plain = await run(['--model', dir, '--before', before, '--n', '2']);
      expect(plain.out).toBe(expected.map((a) => `${a.text}\n`).join(''));
    }
    const word = JSON.parse((await run(['--model', dir, '--before', 'the cat sat on the mat. the dog sat', '--json'])).out) as Record<string, unknown>;
    expect(word).toMatchObject({ state: 'mid-word', why: null });
    expect(word.continueProb).toBeLessThan(0.5);
    expect((word.firstWords as Record<string, unknown[]>)['next-word']!.length).toBeGreaterThan(0);
  });

  it('says why nothing is shown', async () => {
    // After "a" the word goes on ("a cat" / "and"…) with odds neither high nor low: no suggestion either way.
    const unsure = JSON.parse((await run(['--model', dir, '--before', 'a', '--json'])).out) as Record<string, unknown>;
    expect(unsure).toMatchObject({ shown: false, alternatives: [], state: 'mid-word', firstWords: {} });
    expect(unsure.why).toMatch(/^unsure whether the word is finished \(it goes on with probability 0\.\d\d\)$/);
    const plain = await run(['--model', dir, '--before', 'a']);
    expect(plain).toMatchObject({ code: 0, out: '' });
    expect(plain.err).toMatch(/^no suggestion: unsure whether the word is finished/);
    const unlikely = JSON.parse((await run(['--model', dir, '--before', 'the dog sat on the m', '--json'])).out) as Record<string, unknown>;
    expect(unlikely.why).toMatch(/^the likeliest first word is unlikely/);
  });

  it('refuses bad input in one line', async () => {
    const bad = await run(['--model', dir, '--before', 'the', '--n', '0']);
    expect(bad.code).not.toBe(0);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toMatch(/--n must be an integer from 1 to 8/);
    const missing = await run(['--model', path.join(root, 'nope'), '--before', 'the']);
    expect(missing.code).not.toBe(0);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
  });
});
