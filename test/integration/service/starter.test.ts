/**
 * First run: the starter corpus is in the library at once, the starter models are imported and chosen for the
 * editor and the Dialogue pane shortly after, none comes back once the writer removes it, and a data directory
 * made before the dialogue model shipped gets it on its next start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadModel, suggest } from '../../../src/generate/index.js';
import { STARTER_CORPUS, STARTER_DIALOGUE_MODEL, STARTER_MODEL } from '../../../src/service/starter.js';
import { startService, tempHome, type TestService } from './helpers.js';
import { ipcClient } from './ipcClient.js';

const FIXTURES = path.join(import.meta.dirname, '../../fixtures');

function starterDir(options: { dialogue?: boolean } = {}): string {
  const dir = fs.mkdtempSync(path.join(tempHome(), 'starter-'));
  fs.copyFileSync(path.join(FIXTURES, 'text/shakespeare-20k.txt'), path.join(dir, 'plays.txt'));
  fs.writeFileSync(path.join(dir, 'README.md'), '# not a document\n');
  fs.cpSync(path.join(FIXTURES, 'checkpoints/keras-char-lm'), path.join(dir, 'model'), { recursive: true });
  if (options.dialogue ?? true) fs.cpSync(path.join(FIXTURES, 'checkpoints/tiny-dialogue'), path.join(dir, 'dialogue'), { recursive: true });
  return dir;
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('first run', () => {
  let t: TestService | null = null;
  afterEach(async () => {
    await t?.stop();
    t = null;
  });

  it('installs the starter corpus and model once, and respects their removal', async () => {
    const starter = starterDir();
    const home = tempHome();
    t = await startService({ home, starterDir: starter, workerJobsModule: undefined });
    let api = ipcClient(t.service).api;

    const { corpora } = await api.corpora.list();
    expect(corpora.map((c) => c.name)).toEqual([STARTER_CORPUS]);
    expect(corpora[0]!.documents).toBe(1);

    const settings = await until(() => api.settings.get(), (s) => s.models.editor !== null && s.models.dialogue !== null);
    const { checkpoints } = await api.checkpoints.list({});
    const byId = new Map(checkpoints.map((c) => [c.id, c.runName]));
    expect(byId.get(settings.models.editor!)).toBe(STARTER_MODEL);
    expect(byId.get(settings.models.dialogue!)).toBe(STARTER_DIALOGUE_MODEL);
    // The Dialogue pane answers on first run, with the starter dialogue model.
    const answer = await api.generate.reply({ message: 'Where are you going?' });
    expect(answer.modelId).toBe(settings.models.dialogue);
    expect(answer.reply.trim()).not.toBe('');
    const completion = await api.generate.complete({ text: 'abc', n: 1, maxTokens: 4 });
    const handle = await loadModel(path.join(starter, 'model'));
    try {
      // The editor's answer is the suggestion function's for the starter model.
      const expected = await suggest(handle, { before: 'abc', n: 1, maxTokens: 4, signal: new AbortController().signal });
      expect(completion.alternatives.map((a) => a.text)).toEqual(expected.alternatives.map((a) => a.text));
    } finally {
      handle.dispose();
    }

    await api.corpora.remove({ corpusId: corpora[0]!.id });
    await api.checkpoints.delete({ checkpointId: settings.models.dialogue! });
    await t.stop();
    t = await startService({ home, starterDir: starter, workerJobsModule: undefined });
    api = ipcClient(t.service).api;
    expect((await api.corpora.list()).corpora).toEqual([]);
    expect((await api.checkpoints.list({})).checkpoints.map((c) => c.runName)).toEqual([STARTER_MODEL]);
  });

  it('adds the dialogue model to a data directory made before it shipped, once', async () => {
    const home = tempHome();
    t = await startService({ home, starterDir: starterDir({ dialogue: false }), workerJobsModule: undefined });
    let api = ipcClient(t.service).api;
    await until(() => api.settings.get(), (s) => s.models.editor !== null);
    expect((await api.settings.get()).models.dialogue).toBeNull();
    // The Training pane learns which starters there are; a dialogue run cannot start from one this build lacks.
    expect(await api.presets.list({ kind: 'seq2seq' })).toMatchObject({ starter: { name: STARTER_MODEL }, dialogueStarter: null });
    const fromStarter = { kind: 'seq2seq', task: 'dialogue', pairs: { kind: 'file', path: '/nowhere/pairs.tsv' }, config: { from: { kind: 'starter' } } } as const;
    await expect(api.runs.start(fromStarter)).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/no starter model/) });
    await t.stop();

    const starter = starterDir();
    t = await startService({ home, starterDir: starter, workerJobsModule: undefined });
    api = ipcClient(t.service).api;
    const settings = await until(() => api.settings.get(), (s) => s.models.dialogue !== null);
    const names = (await api.checkpoints.list({})).checkpoints.map((c) => c.runName).sort();
    expect(names).toEqual([STARTER_DIALOGUE_MODEL, STARTER_MODEL].sort());
    // Each with its copy in the library, which the Training pane does not offer a second time.
    expect(await api.presets.list({})).toMatchObject({
      starter: { name: STARTER_MODEL, checkpointId: settings.models.editor },
      dialogueStarter: { name: STARTER_DIALOGUE_MODEL, checkpointId: settings.models.dialogue },
    });
    expect((await api.corpora.list()).corpora).toHaveLength(1);
    await t.stop();

    t = await startService({ home, starterDir: starter, workerJobsModule: undefined });
    api = ipcClient(t.service).api;
    expect((await api.checkpoints.list({})).checkpoints).toHaveLength(2);
    expect((await api.settings.get()).models.dialogue).toBe(settings.models.dialogue);
  });

  it('starts without starter content when there is none', async () => {
    const empty = fs.mkdtempSync(path.join(tempHome(), 'empty-'));
    t = await startService({ starterDir: empty });
    const api = ipcClient(t.service).api;
    expect((await api.corpora.list()).corpora).toEqual([]);
    expect((await api.settings.get()).models.editor).toBeNull();
    expect(await api.presets.list({})).toMatchObject({ starter: null, dialogueStarter: null });
  });
});
