import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, StoreError, type Store } from '../../../src/store/index.js';
import { textSha256 } from '../../../src/text/stats.js';
import { steppingClock, useTempDir } from './tempDir.js';

describe('corpora and documents', () => {
  const dir = useTempDir();
  let store: Store;
  beforeEach(() => {
    store = openDatabase(path.join(dir(), 'db.sqlite'), { now: steppingClock() });
  });
  afterEach(() => store.close());

  it('creates, finds, lists and refuses a duplicate name', () => {
    const a = store.corpora.create('letters');
    expect(a).toEqual({ id: 1, name: 'letters', createdAt: '2025-01-01T00:00:01.000Z' });
    expect(store.corpora.get(a.id)).toEqual(a);
    expect(store.corpora.byName('letters')).toEqual(a);
    expect(store.corpora.byName('nope')).toBeUndefined();
    expect(() => store.corpora.create('letters')).toThrow(StoreError);
    expect(store.corpora.getOrCreate('letters')).toEqual(a);
    const b = store.corpora.getOrCreate('diary');
    expect(store.corpora.list().map((c) => c.name)).toEqual(['diary', 'letters']);
    expect(b.id).toBe(2);
  });

  it('stores a document once per corpus: the same text again is reported as a duplicate', () => {
    const c = store.corpora.create('c');
    const d = store.corpora.create('d');
    const first = store.documents.add(c.id, { title: 'one', text: 'Hello there.\n', sourcePath: '/x/one.txt' });
    expect(first.status).toBe('added');
    expect(first.document).toMatchObject({
      corpusId: c.id,
      title: 'one',
      sha256: textSha256('Hello there.\n'),
      sourcePath: '/x/one.txt',
      byteCount: 13,
      charCount: 13,
      wordCount: 2,
    });
    const again = store.documents.add(c.id, { title: 'copy', text: 'Hello there.\n' });
    expect(again).toEqual({ status: 'duplicate', document: first.document });
    expect(store.documents.list(c.id)).toHaveLength(1);
    // Another corpus may hold the same text.
    expect(store.documents.add(d.id, { title: 'one', text: 'Hello there.\n' }).status).toBe('added');
    const full = store.documents.get(first.document.id);
    expect(full?.text).toBe('Hello there.\n');
    expect(full?.distinctChars).toBe('\n .Hehlort');
  });

  it('computes corpus statistics from stored documents (code points, words, distinct characters)', () => {
    const c = store.corpora.create('stats');
    expect(store.corpora.stats(c.id)).toEqual({ documents: 0, characters: 0, words: 0, bytes: 0, distinctCharacters: 0 });
    store.documents.add(c.id, { title: 'a', text: 'café au lait' });
    store.documents.add(c.id, { title: 'b', text: 'a 🐈 sat — quietly' });
    expect(store.corpora.stats(c.id)).toEqual({
      documents: 2,
      characters: 12 + 17, // the cat is one code point (two UTF-16 units)
      words: 3 + 3,
      bytes: Buffer.byteLength('café au lait') + Buffer.byteLength('a 🐈 sat — quietly'),
      distinctCharacters: new Set([...'café au lait', ...'a 🐈 sat — quietly']).size,
    });
    expect(store.corpora.list()[0]).toMatchObject({ name: 'stats', documents: 2, words: 6 });
  });

  it('removing a corpus cascades to its documents and sets runs’ corpus to null', () => {
    const c = store.corpora.create('gone');
    const doc = store.documents.add(c.id, { title: 'a', text: 'some words' }).document;
    const run = store.runs.create({ kind: 'lm', name: 'r', corpusId: c.id });
    expect(store.corpora.remove(c.id)).toBe(true);
    expect(store.corpora.remove(c.id)).toBe(false);
    expect(store.documents.get(doc.id)).toBeUndefined();
    expect(store.runs.get(run.id)?.corpusId).toBeNull();
  });

  it('lists documents in insertion order, with or without text, and removes one', () => {
    const c = store.corpora.create('order');
    const ids = ['first', 'second', 'third'].map((t) => store.documents.add(c.id, { title: t, text: t }).document.id);
    expect(store.documents.list(c.id).map((d) => d.title)).toEqual(['first', 'second', 'third']);
    expect(store.documents.list(c.id)[0]).not.toHaveProperty('text');
    expect(store.documents.listWithText(c.id).map((d) => d.text)).toEqual(['first', 'second', 'third']);
    expect(store.documents.bySha256(c.id, textSha256('second'))?.id).toBe(ids[1]);
    expect(store.documents.remove(ids[1]!)).toBe(true);
    expect(store.documents.list(c.id).map((d) => d.title)).toEqual(['first', 'third']);
  });

  it('rolls back everything inside a failed store.transaction', () => {
    expect(() =>
      store.transaction(() => {
        const c = store.corpora.create('half');
        store.documents.add(c.id, { title: 'a', text: 'kept?' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.corpora.byName('half')).toBeUndefined();
  });
});
