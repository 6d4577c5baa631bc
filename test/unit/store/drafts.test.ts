import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Store } from '../../../src/store/index.js';
import { steppingClock, useTempDir } from './tempDir.js';

describe('drafts', () => {
  const dir = useTempDir();
  let store: Store;
  beforeEach(() => {
    store = openDatabase(path.join(dir(), 'db.sqlite'), { now: steppingClock() });
  });
  afterEach(() => store.close());

  it('creates, updates, lists most recent first and removes', () => {
    const a = store.drafts.create({ title: 'Chapter one', text: 'It was a dark' });
    const b = store.drafts.create();
    expect(b).toMatchObject({ title: '', text: '' });
    expect(store.drafts.list().map((d) => d.id)).toEqual([b.id, a.id]);

    const edited = store.drafts.update(a.id, { text: 'It was a dark and stormy night.' });
    expect(edited).toMatchObject({ title: 'Chapter one', text: 'It was a dark and stormy night.', createdAt: a.createdAt });
    expect(edited.updatedAt > a.updatedAt).toBe(true);
    expect(store.drafts.list().map((d) => d.id)).toEqual([a.id, b.id]);
    expect(store.drafts.get(a.id)).toEqual(edited);

    expect(store.drafts.remove(b.id)).toBe(true);
    expect(store.drafts.get(b.id)).toBeUndefined();
    expect(() => store.drafts.update(b.id, { title: 'x' })).toThrow(/no draft/);
  });
});
