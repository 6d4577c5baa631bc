import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { openStore } from '../../../src/store/index.js';
import { captureIo, type CapturedIo } from '../../helpers/cli.js';
import { makeDocx } from '../../fixtures/import/builders.js';
import { useTempDir } from '../store/tempDir.js';

describe('longhand corpus', () => {
  const dir = useTempDir('longhand-cli-');
  const home = (): string => path.join(dir(), 'home');

  async function run(...argv: string[]): Promise<{ code: number; io: CapturedIo }> {
    const io = captureIo({ LONGHAND_HOME: home() });
    const code = await main(argv, io);
    return { code, io };
  }
  async function runJson(...argv: string[]): Promise<{ code: number; json: Record<string, unknown>; io: CapturedIo }> {
    const { code, io } = await run(...argv, '--json');
    const lines = io.stdout().trim().split('\n');
    expect(lines).toHaveLength(1);
    return { code, json: JSON.parse(lines[0]!) as Record<string, unknown>, io };
  }
  const file = (name: string, content: string | Buffer): string => {
    const p = path.join(dir(), name);
    fs.writeFileSync(p, content);
    return p;
  };

  it('adds files to the "default" corpus and prints a summary', async () => {
    const a = file('a.txt', 'The first text.\n');
    const { code, io } = await run('corpus', 'add', a);
    expect(code).toBe(0);
    expect(io.stdout()).toContain(`added ${a} as "a" (3 words)`);
    expect(io.stdout()).toContain('corpus "default": 1 document, 3 words, 16 characters, 12 distinct');
    expect(io.stderr()).toBe('');
    expect(fs.existsSync(path.join(home(), 'longhand.sqlite'))).toBe(true);
  });

  it('add --json reports the corpus, added, skipped and refused files', async () => {
    const a = file('a.txt', 'one two three\n');
    const b = file('b.md', '# four\n');
    const { code, json } = await runJson('corpus', 'add', a, b, '--name', 'mine');
    expect(code).toBe(0);
    expect(json.corpus).toMatchObject({ id: 1, name: 'mine', documents: 2, words: 4, characters: 21 });
    expect(json.added).toMatchObject([
      { file: a, title: 'a', wordCount: 3, sourcePath: a },
      { file: b, title: 'b', wordCount: 1 },
    ]);
    expect(json.skipped).toEqual([]);
    expect(json.refused).toEqual([]);
  });

  it('skips a duplicate (same text, other line endings) and reports it without failing', async () => {
    const lf = file('lf.txt', 'same words\nhere\n');
    const crlf = file('crlf.txt', 'same words\r\nhere\r\n');
    await run('corpus', 'add', lf);
    const { code, json } = await runJson('corpus', 'add', crlf, lf);
    expect(code).toBe(0);
    expect(json.added).toEqual([]);
    expect(json.skipped).toMatchObject([
      { file: crlf, reason: 'duplicate', existing: { title: 'lf' } },
      { file: lf, reason: 'duplicate', existing: { title: 'lf' } },
    ]);
    expect(json.corpus).toMatchObject({ documents: 1 });

    const human = await run('corpus', 'add', crlf);
    expect(human.code).toBe(0);
    expect(human.io.stdout()).toContain(`skipped ${crlf}: already in corpus "default" as "lf"`);
  });

  it('stores the accepted files of a batch with a refused one, and exits 1', async () => {
    const good1 = file('good1.txt', 'Good text one.');
    const bad = file('notes.bin.txt', Buffer.from([0x41, 0x42, 0x00, 0x43]));
    const good2 = file('good2.docx', await makeDocx(['Good text two.']));
    const { code, json, io } = await runJson('corpus', 'add', good1, bad, good2);
    expect(code).toBe(1);
    expect(io.stderr()).toBe(`longhand: refused ${bad}: looks binary (NUL byte at offset 2)\n`);
    expect(json.refused).toEqual([{ file: bad, code: 'binary', reason: 'looks binary (NUL byte at offset 2)' }]);
    expect((json.added as unknown[]).length).toBe(2);

    const store = openStore(home());
    try {
      const corpus = store.corpora.byName('default')!;
      expect(store.documents.listWithText(corpus.id).map((d) => d.text)).toEqual(['Good text one.', 'Good text two.']);
    } finally {
      store.close();
    }
  });

  it('refuses a file over the import limit with the words the app uses (test/renderer/library.test.ts)', async () => {
    const huge = path.join(dir(), 'huge.txt');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, 60_000_000); // sparse: refused from its size, never read
    const { code, json, io } = await runJson('corpus', 'add', huge);
    expect(code).toBe(1);
    expect(io.stderr()).toBe(`longhand: refused ${huge}: is 57.2 MiB, over the 50 MiB import limit\n`);
    expect(json.refused).toEqual([{ file: huge, code: 'too-large', reason: 'is 57.2 MiB, over the 50 MiB import limit' }]);
  });

  it('creates no corpus when every file is refused', async () => {
    const { code, json } = await runJson('corpus', 'add', path.join(dir(), 'missing.txt'), '--name', 'ghost');
    expect(code).toBe(1);
    expect(json.corpus).toBeNull();
    expect(json.refused).toMatchObject([{ code: 'unreadable', reason: 'no such file' }]);
    expect((await runJson('corpus', 'list')).json).toEqual({ corpora: [] });
  });

  it('list, show and remove, as text and JSON', async () => {
    await run('corpus', 'add', file('x.txt', 'alpha beta'), '--name', 'letters');
    await run('corpus', 'add', file('y.txt', 'gamma'), file('z.txt', 'delta epsilon zeta'), '--name', 'greek');

    const list = await runJson('corpus', 'list');
    expect(list.code).toBe(0);
    expect(list.json.corpora).toMatchObject([
      { name: 'greek', documents: 2, words: 4 },
      { name: 'letters', documents: 1, words: 2, characters: 10, distinctCharacters: 8 },
    ]);
    const listText = await run('corpus', 'list');
    expect(listText.io.stdout()).toMatch(/^NAME\s+DOCUMENTS\s+WORDS\s+CHARACTERS\s+DISTINCT\n/);
    expect(listText.io.stdout()).toMatch(/\ngreek\s+2\s+4\s+/);

    const show = await runJson('corpus', 'show', 'greek');
    expect(show.code).toBe(0);
    expect(show.json.corpus).toMatchObject({ name: 'greek', documents: 2 });
    expect(show.json.documents).toMatchObject([{ title: 'y', wordCount: 1 }, { title: 'z', wordCount: 3 }]);
    expect(JSON.stringify(show.json)).not.toContain('"text"');
    const showText = await run('corpus', 'show', 'greek');
    expect(showText.io.stdout()).toContain('corpus "greek": 2 documents, 4 words');
    expect(showText.io.stdout()).toMatch(/\n\s*2\s+1\s+5\s+y\s+\S*y\.txt\n/);

    const removed = await runJson('corpus', 'remove', 'greek');
    expect(removed.code).toBe(0);
    expect(removed.json.removed).toMatchObject({ name: 'greek', documents: 2 });
    expect((await runJson('corpus', 'list')).json.corpora).toMatchObject([{ name: 'letters' }]);
    const removedText = await run('corpus', 'remove', 'letters');
    expect(removedText.io.stdout()).toBe('removed corpus "letters" (1 document)\n');
    expect((await run('corpus', 'list')).io.stdout()).toMatch(/^No corpora yet/);
  });

  it.each([['show'], ['remove']])('%s of an unknown corpus exits 1 with a clear message', async (command) => {
    await run('corpus', 'add', file('x.txt', 'words'), '--name', 'real');
    const { code, io } = await run('corpus', command, 'imaginary');
    expect(code).toBe(1);
    expect(io.stderr()).toBe('longhand: no corpus named "imaginary" (corpora: real)\n');
    expect(io.stdout()).toBe('');
  });

  it.each([
    [['corpus', 'add']],
    [['corpus', 'show']],
    [['corpus', 'frobnicate']],
    [['corpus', 'add', 'x.txt', '--name', '   ']],
    [['corpus', 'list', '--bogus']],
  ])('usage error %j exits 2', async (argv) => {
    const { code, io } = await run(...argv);
    expect(code).toBe(2);
    expect(io.stderr()).not.toBe('');
  });

  it('refuses a database written by a newer Longhand, exit 1', async () => {
    const store = openStore(home());
    store.close();
    const db = new Database(path.join(home(), 'longhand.sqlite'));
    db.pragma('user_version = 999');
    db.close();
    const { code, io } = await run('corpus', 'list');
    expect(code).toBe(1);
    expect(io.stderr()).toMatch(/^longhand: .*schema version 999.*newer Longhand/);
  });
});
