/**
 * The starter model the app ships (resources/starter/model) is whole and is a real model of its corpus: its
 * manifest verifies without optimizer state, and on held-out prose it predicts far better than the character
 * frequencies alone would (resources/README.md records how it was trained and its validation loss). The
 * fixture is ~4,000 characters from the middle of the starter's validation chapters (public-domain novels,
 * held out from its training by scripts/prepare-prose-corpus.ts).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { captureIo } from '../../helpers/cli.js';

const MODEL = path.join(import.meta.dirname, '../../../resources/starter/model');
const HELD_OUT = path.join(import.meta.dirname, '../../fixtures/text/prose-heldout.txt');
let root: string;
let heldOut: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'longhand-starter-model-'));
  heldOut = await fs.readFile(HELD_OUT, 'utf8');
});
afterAll(async () => fs.rm(root, { recursive: true, force: true }));

function unigramEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / text.length) * Math.log(n / text.length);
  return h;
}

describe('the shipped starter model', () => {
  it('ships the files its manifest lists and nothing for resuming', async () => {
    const meta = JSON.parse(await fs.readFile(path.join(MODEL, 'longhand.json'), 'utf8')) as { kind: string; files: Record<string, unknown>; optimizer?: unknown; trainState?: unknown };
    expect(meta.kind).toBe('lm');
    expect(Object.keys(meta.files).sort()).toEqual(['model.json', 'tokenizer.json', 'weights.bin']);
    expect(meta.optimizer).toBeUndefined();
    expect(meta.trainState).toBeUndefined();
    expect((await fs.readdir(MODEL)).sort()).toEqual(['longhand.json', 'model.json', 'tokenizer.json', 'weights.bin']);
  });

  it('scores held-out prose well below the character-frequency entropy', async () => {
    const io = captureIo({ ...process.env, LONGHAND_HOME: path.join(root, 'home') });
    const code = await main(['score', '--model', MODEL, '--text', HELD_OUT, '--json'], io);
    expect(io.stderr()).toBe('');
    expect(code).toBe(0);
    const { nll } = JSON.parse(io.stdout()) as { nll: number };
    // About 3 nats for frequencies alone; the recorded validation loss is 1.29.
    expect(unigramEntropy(heldOut)).toBeGreaterThan(2.9);
    expect(nll).toBeLessThan(1.5);
  });
});
