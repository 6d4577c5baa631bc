/**
 * A run's data is checked when it is queued: a pairs file that cannot be read and a corpus with no pairs for the
 * task fail at once, in one line, and nothing is created; good data is measured for the estimate.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../src/contract/index.js';
import { b64, snapshot, startService, tempHome, type TestService } from './helpers.js';
import { ipcClient, type IpcHarness } from './ipcClient.js';

const PAIRS = path.join(import.meta.dirname, '../../fixtures/pairs');

describe('checking a run\'s data when it is queued', () => {
  let t: TestService;
  let h: IpcHarness;
  let api: ApiClient;
  beforeAll(async () => {
    t = await startService();
    h = ipcClient(t.service);
    api = h.api;
  });
  afterAll(async () => {
    h?.close();
    await t?.stop();
  });

  it('refuses, at once and in one line, pairs that cannot be read or mined; creates nothing', async () => {
    const plain = (await api.corpora.importFiles({ corpus: 'Notes', files: [{ name: 'n.txt', contentBase64: b64('Milk. Eggs. Bread.') }] })).corpus.id;
    const before = snapshot(t);
    const unreadable = path.join(tempHome(), 'pairs.tsv');
    fs.mkdirSync(unreadable);
    const cases: [Parameters<ApiClient['runs']['start']>[0], RegExp][] = [
      [{ kind: 'seq2seq', task: 'dialogue', preset: 'small', pairs: { kind: 'mined', corpusId: plain } }, /^“Notes”: no dialogue pairs could be mined/],
      [{ kind: 'seq2seq', task: 'summarize', preset: 'small', pairs: { kind: 'file', path: path.join(PAIRS, 'malformed.tsv') } }, /^Cannot read pairs from malformed\.tsv: \d+ malformed lines? \(line 2/],
      [{ kind: 'seq2seq', task: 'summarize', preset: 'small', pairs: { kind: 'file', path: '/nonexistent/pairs.tsv' } }, /does not exist/],
      [{ kind: 'seq2seq', task: 'summarize', preset: 'small', pairs: { kind: 'file', path: unreadable } }, /is not a regular file/],
      [{ kind: 'seq2seq', task: 'summarize', preset: 'small', pairs: { kind: 'file', path: path.join(PAIRS, 'valid.tsv'), validPath: path.join(PAIRS, 'malformed.tsv') } }, /malformed\.tsv/],
    ];
    for (const [input, message] of cases) {
      const error = await api.runs.start(input).then(() => null, (e: Error) => e);
      expect(error).toMatchObject({ name: 'ValidationError' });
      expect(error!.message).toMatch(message);
      expect(error!.message).not.toContain('\n');
    }
    expect(snapshot(t)).toEqual(before);
  });

  it('queues good pairs and estimates from their target tokens', async () => {
    const novel = fs.readFileSync(path.join(PAIRS, 'novels/alice.txt'));
    const corpusId = (await api.corpora.importFiles({ corpus: 'Alice', files: [{ name: 'alice.txt', contentBase64: b64(novel) }] })).corpus.id;
    const input = { kind: 'seq2seq' as const, task: 'dialogue' as const, preset: 'small', pairs: { kind: 'mined' as const, corpusId }, config: { budget: { epochs: 2 } } };
    const estimate = await api.runs.estimate(input);
    expect(estimate.tokensPerEpoch).toBeGreaterThan(0);
    expect(estimate.seconds).toBeGreaterThan(0);
    const filePairs = await api.runs.estimate({ ...input, pairs: { kind: 'file', path: path.join(PAIRS, 'valid.tsv') } });
    expect(filePairs.tokensPerEpoch).toBeGreaterThan(0);
    const run = await api.runs.start({ ...input, name: 'slow' });
    expect(run.status).toMatch(/queued|running/);
    expect(run.trainedOn).toBe('Alice');
    await api.runs.cancel({ runId: run.id });
  });
});
