/**
 * Invalid arguments, for every method: each is refused with a clear one-line error and changes nothing — the
 * same row counts and the same files before and after. Inputs go straight to the service's request handler (the
 * typed client would refuse most of them before sending).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, LIMITS, base64Length, type ApiMethod, type RequestHandler } from '../../../src/contract/index.js';
import { b64, snapshot, startService, waitForStatus, type TestService } from './helpers.js';

const long = (n: number) => 'x'.repeat(n);

/** At least one input per method that the contract refuses. Ids 1 exist (a corpus, a draft, a run, a checkpoint). */
const INVALID: Record<ApiMethod, unknown[]> = {
  'corpora.list': [{ extra: 1 }, 'everything'],
  'corpora.create': [{ name: '' }, { name: long(10_000) }, { name: 5 }, { name: 'two\nlines' }, {}],
  'corpora.rename': [{ corpusId: 'one', name: 'x' }, { corpusId: 1.5, name: 'x' }, { corpusId: 1, name: ' ' }],
  'corpora.importFiles': [
    { corpus: 1, files: [] },
    { corpus: 1, files: [{ name: '../evil.txt', contentBase64: 'aGk=' }] },
    { corpus: 1, files: [{ name: '/etc/passwd', contentBase64: 'aGk=' }] },
    { corpus: 1, files: [{ name: '..', contentBase64: 'aGk=' }] },
    { corpus: 1, files: [{ name: 'a\\..\\b.txt', contentBase64: 'aGk=' }] },
    { corpus: 1, files: [{ name: 'a.txt', contentBase64: 'not base64!' }] },
    { corpus: 1, files: Array.from({ length: LIMITS.filesPerImport + 1 }, (_, i) => ({ name: `${i}.txt`, contentBase64: 'aGk=' })) },
    { corpus: 1, files: [{ name: 'huge.txt', contentBase64: 'A'.repeat(base64Length(LIMITS.fileBytes) + 4) }] },
    { corpus: '', files: [{ name: 'a.txt', contentBase64: 'aGk=' }] },
  ],
  'corpora.importPaths': [
    { corpus: 1, paths: ['relative/a.txt'] },
    { corpus: 1, paths: ['/home/me/../../etc/passwd'] },
    { corpus: 1, paths: ['/home/me/..'] },
    { corpus: 1, paths: ['C:\\Users\\me\\..\\secret.txt'] },
    { corpus: 1, paths: ['/a\u0000b.txt'] },
    { corpus: 1, paths: ['file:///etc/passwd'] },
    { corpus: 1, paths: [`/${long(5000)}`] },
    { corpus: 1, paths: [] },
    { corpus: 1, paths: '/etc/passwd' },
  ],
  'corpora.remove': [{ corpusId: -1 }, { corpusId: '1' }],
  'corpora.stats': [{ corpusId: 0 }],
  'corpora.documents': [{ corpusId: 1, limit: 100_000 }, { corpusId: 1, offset: -1 }, { corpusId: 1, query: long(1000) }],
  'corpora.preview': [{ documentId: 1, maxChars: 0 }, { documentId: null }],
  'corpora.removeDocument': [{ documentId: 'x' }],
  'documents.list': [{ limit: 0 }, { query: 123 }],
  'documents.create': [{ title: long(LIMITS.title + 1) }, { text: long(LIMITS.draftChars + 1) }, { text: 'a\u0000b' }],
  'documents.open': [{ id: 'x' }],
  'documents.save': [{ id: 1, text: 'a\u0000' }, { id: 1, expectedUpdatedAt: long(41) }, { id: 1, title: 'a\nb' }, { text: 'no id' }],
  'documents.delete': [{}],
  'documents.addToCorpus': [{ id: 1, corpus: '' }, { id: 1 }],
  'runs.start': [
    { kind: 'lm', corpusId: 1 },
    { kind: 'rnn', corpusId: 1, preset: 'small' },
    { kind: 'lm', corpusId: 1, preset: '../../etc/passwd' },
    { kind: 'lm', corpusId: 1, config: { hiden: 5 } },
    { kind: 'lm', corpusId: 1, preset: 'small', config: { layers: 100 } },
    { kind: 'lm', corpusId: 1, preset: 'small', config: { budget: { steps: 1, epochs: 1 } } },
    { kind: 'seq2seq', task: 'summarize', preset: 'small', pairs: { kind: 'file', path: '/data/../etc/pairs.tsv' } },
    { kind: 'seq2seq', task: 'poetry', preset: 'small', pairs: { kind: 'mined', corpusId: 1 } },
  ],
  'runs.estimate': [{ kind: 'lm', corpusId: 1 }, { kind: 'lm', corpusId: 1, config: { from: { kind: 'starter', extra: 1 } } }],
  'runs.pause': [{ runId: 'x' }, {}],
  'runs.resume': [{ runId: 0 }],
  'runs.cancel': [{ runId: [1] }],
  'runs.list': [{ status: ['nope'] }, { limit: 0 }],
  'runs.get': [{ runId: 1.1 }],
  'runs.metrics': [{ runId: 1, names: ['Bad Name'] }, { runId: 1, maxPoints: 1 }],
  'runs.delete': [{ runId: 1, deleteCheckpoints: 'yes' }],
  'checkpoints.list': [{ kind: 'x' }],
  'checkpoints.delete': [{ checkpointId: 0 }],
  'checkpoints.export': [
    { checkpointId: 1, folder: 'relative/folder' },
    { checkpointId: 1, folder: '/tmp/../etc' },
    { checkpointId: 1, folder: '/tmp/x\u0000' },
    { checkpointId: 1 },
  ],
  'checkpoints.import': [{ path: '../model.json' }, { path: '/a/../../etc/passwd' }, { path: `/${long(5000)}` }],
  'generate.prepare': [{}, { text: long(LIMITS.completionContextChars + 1) }, { text: 'x', n: 3 }],
  'generate.complete': [{ text: long(LIMITS.completionContextChars + 1) }, { text: 'x', n: 100 }, { text: 'x', temperature: 5 }],
  'generate.summarize': [{ text: '   ' }, { text: 'x', minLength: 10, maxLength: 5 }],
  'generate.reply': [{ message: '' }, { message: 'x', history: [{ role: 'system', text: 'x' }] }],
  'settings.get': [{ x: 1 }],
  'settings.update': [{ theme: 'neon' }, { completion: { delayMs: 1 } }, { models: { editor: 'x' } }, { models: { sidebar: 1 } }, { welcome: { dismissed: 'yes' } }],
  'system.report': [{ x: 1 }],
  'presets.list': [{ kind: 'x' }, { corpusId: -5 }],
};

describe('invalid arguments change nothing', () => {
  let t: TestService;
  let handler: RequestHandler;
  let outside: string;
  let n = 0;
  const call = (method: string, input: unknown) => handler.handle(method, input, `v-${++n}`);

  beforeAll(async () => {
    t = await startService();
    handler = t.service.createRequestHandler();
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-outside-'));
    const ok = async (method: string, input: unknown) => {
      const body = await call(method, input);
      if ('error' in body) throw new Error(`${method}: ${body.error.message}`);
      return body.output as { id: number };
    };
    await ok('corpora.importFiles', { corpus: 'Letters', files: [{ name: 'a.txt', contentBase64: b64('Dear friend, hello.') }] });
    await ok('documents.create', { title: 'Draft', text: 'Some words.' });
    const run = await ok('runs.start', { kind: 'lm', corpusId: 1, preset: 'small', config: { budget: { steps: 3 } } });
    await waitForStatus(t, run.id, 'finished');
    await ok('settings.update', { theme: 'dark' });
  });
  afterAll(async () => {
    await t?.stop();
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('covers every method', () => {
    expect(Object.keys(INVALID).sort()).toEqual([...API_METHODS].sort());
  });

  it.each(Object.entries(INVALID).flatMap(([method, inputs]) => inputs.map((input, i) => [method, i, input] as const)))(
    '%s #%i is refused with a clear error',
    async (method, _i, input) => {
      const before = snapshot(t);
      const body = await call(method, input);
      expect(body).toHaveProperty('error');
      if (!('error' in body)) return;
      expect(body.error.name).toBe('ValidationError');
      expect(body.error.message).toMatch(new RegExp(`^${method.replace('.', '\\.')}`));
      expect(body.error.message).not.toMatch(/\n/);
      expect(body.error.message.length).toBeLessThan(1100);
      expect(snapshot(t)).toEqual(before);
    },
  );

  /** Well-formed but impossible requests: refused by the service itself, also without a trace. */
  it.each([
    ['corpora.importFiles', { corpus: 999, files: [{ name: 'a.txt', contentBase64: b64('x') }] }, 'NotFound'],
    ['corpora.importFiles', { corpus: 'New', files: [{ name: 'a.exe', contentBase64: b64('MZ\0\0') }] }, 'ValidationError'],
    ['corpora.create', { name: 'Letters' }, 'Conflict'],
    ['corpora.rename', { corpusId: 999, name: 'x' }, 'NotFound'],
    ['documents.save', { id: 1, text: 'stale', expectedUpdatedAt: '2000-01-01T00:00:00.000Z' }, 'Conflict'],
    ['runs.start', { kind: 'lm', corpusId: 1, preset: 'enormous' }, 'ValidationError'],
    ['runs.start', { kind: 'lm', corpusId: 999, preset: 'small' }, 'NotFound'],
    ['runs.start', { kind: 'seq2seq', task: 'summarize', preset: 'small', pairs: { kind: 'file', path: '/nonexistent/pairs.tsv' } }, 'ValidationError'],
    ['runs.pause', { runId: 1 }, 'Conflict'],
    ['runs.resume', { runId: 1 }, 'Conflict'],
    ['runs.cancel', { runId: 1 }, 'Conflict'],
    ['runs.get', { runId: 999 }, 'NotFound'],
    ['checkpoints.export', { checkpointId: 1, folder: '/nonexistent/folder' }, 'ValidationError'],
    ['checkpoints.export', { checkpointId: 999, folder: '/tmp' }, 'NotFound'],
    ['checkpoints.import', { path: '/nonexistent/model.json' }, 'ValidationError'],
    ['checkpoints.import', { path: '/etc/hostname' }, 'ValidationError'],
    ['generate.complete', { modelId: 999, text: 'x' }, 'NotFound'],
    ['generate.prepare', { modelId: 999, text: 'x' }, 'NotFound'],
    ['settings.update', { models: { editor: 999 } }, 'NotFound'],
    ['presets.list', { corpusId: 999 }, 'NotFound'],
  ] as const)('%s %j → %s', async (method, input, name) => {
    const before = snapshot(t);
    const exported = fs.readdirSync(outside);
    const body = await call(method, input);
    expect(body).toMatchObject({ error: { name } });
    expect(snapshot(t)).toEqual(before);
    expect(fs.readdirSync(outside)).toEqual(exported);
  });

  it('importing a folder that is not a model leaves no run behind', async () => {
    fs.writeFileSync(path.join(outside, 'notes.txt'), 'not a model');
    const before = snapshot(t);
    const body = await call('checkpoints.import', { path: outside });
    expect(body).toMatchObject({ error: { name: 'ValidationError' } });
    expect(snapshot(t)).toEqual(before);
  });
});
