import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { readPairsFile } from '../../../src/text/pairs/read.js';
import { minedPairs } from '../../../src/train/seq2seq/mining.js';
import { captureIo, type CapturedIo } from '../../helpers/cli.js';
import { useTempDir } from '../store/tempDir.js';

const fixture = (name: string): string => new URL(`../../fixtures/pairs/${name}`, import.meta.url).pathname;
const jsonLines = (text: string): Record<string, unknown>[] => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('longhand pairs', () => {
  const dir = useTempDir('longhand-cli-pairs-');
  const home = (): string => path.join(dir(), 'home');

  async function run(...argv: string[]): Promise<{ code: number; io: CapturedIo }> {
    const io = captureIo({ LONGHAND_HOME: home() });
    const code = await main(argv, io);
    return { code, io };
  }
  async function addNovels(): Promise<void> {
    const { code } = await run('corpus', 'add', '--name', 'Novels', fixture('novels/alice.txt'), fixture('novels/great-expectations.txt'), fixture('play.txt'));
    expect(code).toBe(0);
  }

  it('writes the prose-dialogue pairs of a corpus to stdout as JSON Lines, and the count to stderr', async () => {
    await addNovels();
    const { code, io } = await run('pairs', '--corpus', 'Novels', '--rule', 'prose-dialogue');
    expect(code).toBe(0);
    const lines = jsonLines(io.stdout());
    expect(lines).toHaveLength(32);
    expect(lines[0]).toEqual({
      id: 'd1:prose-dialogue:1',
      rule: 'prose-dialogue',
      line: 1,
      source: 'You might just as well say, that “I breathe when I sleep” is the same thing as “I sleep when I breathe”!',
      target: 'It IS the same thing with you.',
      document: 'alice',
    });
    expect(lines[17]).toMatchObject({ id: 'd2:prose-dialogue:6', document: 'great-expectations', target: "Why, what'll you do with a half-holiday, if you get it?" });
    expect(io.stderr()).toBe('32 prose-dialogue pairs from corpus "Novels" (3 documents)\n');
  });

  it('mines exactly what a training run on the corpus mines', async () => {
    await addNovels();
    const { io } = await run('pairs', '--corpus', 'Novels', '--rule', 'script-dialogue');
    const documents = ['novels/alice.txt', 'novels/great-expectations.txt', 'play.txt'].map((f) => ({ title: f, text: fs.readFileSync(fixture(f), 'utf8') }));
    const lines = jsonLines(io.stdout());
    expect(lines.map((l) => ({ id: l.id, source: l.source, target: l.target }))).toEqual(minedPairs(documents.map((d) => d.text), 'dialogue').filter((p) => p.id!.includes(':script-dialogue:')));
    expect(lines[0]).toMatchObject({ document: 'play', speakers: ['ROMEO', 'JULIET'], target: 'Ay me!' });
  });

  it('--out writes a pairs file that training reads back, and prints the count (one JSON object with --json)', async () => {
    await addNovels();
    const out = path.join(dir(), 'mined', 'dialogue.jsonl');
    const { code, io } = await run('pairs', '--corpus', 'Novels', '--rule', 'prose-dialogue', '--out', out);
    expect(code).toBe(0);
    expect(io.stdout()).toBe(`wrote 32 prose-dialogue pairs from corpus "Novels" (3 documents) to ${out}\n`);
    const pairs = await readPairsFile(out);
    expect(pairs).toHaveLength(32);
    expect(pairs[2]).toMatchObject({ id: 'd1:prose-dialogue:17', source: 'Two days wrong! I told you butter wouldn’t suit the works!', target: 'It was the BEST butter.' });

    const tsv = path.join(dir(), 'dialogue.tsv');
    const json = await run('pairs', '-c', 'Novels', '-r', 'prose-dialogue', '-o', tsv, '--json');
    expect(JSON.parse(json.io.stdout())).toEqual({
      corpus: 'Novels',
      rule: 'prose-dialogue',
      documents: 3,
      pairs: 32,
      out: tsv,
      perDocument: [
        { document: 'alice', pairs: 17 },
        { document: 'great-expectations', pairs: 15 },
        { document: 'play', pairs: 0 },
      ],
    });
    const rows = fs.readFileSync(tsv, 'utf8').trimEnd().split('\n');
    expect(rows).toHaveLength(32);
    expect(rows[2]).toBe('Two days wrong! I told you butter wouldn’t suit the works!\tIt was the BEST butter.');
  });

  it('reports a corpus without pairs for the rule as a count of zero and writes an empty file', async () => {
    await addNovels();
    const out = path.join(dir(), 'none.jsonl');
    const { code, io } = await run('pairs', '--corpus', 'Novels', '--rule', 'section-heading', '--out', out);
    expect(code).toBe(0);
    expect(io.stdout()).toContain('0 section-heading pairs from corpus "Novels"');
    expect(fs.readFileSync(out, 'utf8')).toBe('');
  });

  it('refuses an unknown corpus or rule with a one-line error and writes nothing', async () => {
    await addNovels();
    const out = path.join(dir(), 'x.jsonl');
    const missing = await run('pairs', '--corpus', 'Poems', '--rule', 'prose-dialogue', '--out', out);
    expect(missing.code).toBe(1);
    expect(missing.io.stderr()).toBe('longhand: no corpus named "Poems" (corpora: Novels)\n');
    expect(missing.io.stdout()).toBe('');

    const badRule = await run('pairs', '--corpus', 'Novels', '--rule', 'dialogue', '--out', out);
    expect(badRule.code).toBe(2);
    expect(badRule.io.stderr()).toMatch(/argument 'dialogue' is invalid. Allowed choices are section-heading, paragraph-first-sentence, prose-dialogue, script-dialogue/);

    const noRule = await run('pairs', '--corpus', 'Novels');
    expect(noRule.code).toBe(2);
    expect(noRule.io.stderr()).toMatch(/required option '-r, --rule <rule>' not specified/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('says why it cannot write the output file', async () => {
    await addNovels();
    const blocker = path.join(dir(), 'file');
    fs.writeFileSync(blocker, 'not a folder');
    const { code, io } = await run('pairs', '--corpus', 'Novels', '--rule', 'prose-dialogue', '--out', path.join(blocker, 'pairs.jsonl'));
    expect(code).toBe(1);
    expect(io.stderr()).toMatch(/^longhand: cannot write .*pairs\.jsonl: .*\n$/);
  });
});
