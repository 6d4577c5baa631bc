/** What the service added to the store (migration 3): settings, run samples, run progress, corpus rename and charset. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, openStore, type Store } from '../../../src/store/index.js';

describe('store additions for the service', () => {
  let dir = '';
  let store: Store;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-store-'));
    store = openStore(dir);
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps settings as JSON by key', () => {
    expect(store.settings.all()).toEqual({});
    store.settings.set({ theme: 'dark', models: { editor: 3 } });
    store.settings.set({ theme: 'light' });
    expect(store.settings.all()).toEqual({ models: { editor: 3 }, theme: 'light' });
    expect(store.settings.get('missing')).toBeUndefined();
    expect(store.settings.remove('theme')).toBe(true);
    expect(store.settings.get('theme')).toBeUndefined();
  });

  it('keeps the latest samples of a run, oldest first, and drops those after a step', () => {
    const run = store.runs.create({ kind: 'lm', name: 'r' });
    for (const step of [5, 1, 3, 9]) store.samples.add(run.id, step, `s${step}`);
    expect(store.samples.latest(run.id, 3).map((s) => s.text)).toEqual(['s3', 's5', 's9']);
    expect(store.samples.deleteAfter(run.id, 3)).toBe(2);
    expect(store.samples.latest(run.id, 10).map((s) => s.step)).toEqual([1, 3]);
    store.runs.remove(run.id);
    expect(store.samples.latest(run.id, 10)).toEqual([]);
  });

  it('stores a run progress without touching its row otherwise', () => {
    const run = store.runs.create({ kind: 'lm', name: 'r' });
    expect(store.runs.progress(run.id)).toBeNull();
    store.runs.setProgress(run.id, { step: 4, trainLoss: 1.5 });
    expect(store.runs.progress(run.id)).toEqual({ step: 4, trainLoss: 1.5 });
    expect(store.runs.get(run.id)).toEqual(run);
    store.runs.setProgress(run.id, null);
    expect(store.runs.progress(run.id)).toBeNull();
  });

  it('renames a corpus unless the name is taken, and gives its character set', () => {
    const a = store.corpora.create('A');
    store.corpora.create('B');
    store.documents.add(a.id, { title: 't', text: 'cab' });
    store.documents.add(a.id, { title: 'u', text: 'dé' });
    expect(store.corpora.charset(a.id)).toBe('abcdé');
    expect(store.corpora.rename(a.id, 'A2').name).toBe('A2');
    expect(store.corpora.rename(a.id, 'A2').name).toBe('A2');
    expect(() => store.corpora.rename(a.id, 'B')).toThrow(StoreError);
    expect(() => store.corpora.rename(999, 'C')).toThrow(/no corpus with id 999/);
  });
});
