import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApiClient, type Transport, type TransportEvent } from '../../../src/contract/index.js';
import { corpus } from './samples.js';

/** A transport whose requests the test answers by hand, in any order. */
function manualTransport() {
  const requests: { method: string; input: unknown; id: string; resolve(v: unknown): void; reject(e: unknown): void }[] = [];
  const cancelled: string[] = [];
  const handlers = new Set<(e: TransportEvent) => void>();
  const transport: Transport = {
    request: (method, input, id) => new Promise((resolve, reject) => requests.push({ method, input, id, resolve, reject })),
    cancel: (id) => void cancelled.push(id),
    subscribe: (h) => {
      handlers.add(h);
      return () => void handlers.delete(h);
    },
  };
  const emit = (name: string, payload: unknown) => handlers.forEach((h) => h({ name, payload }));
  return { transport, requests, cancelled, emit, handlers };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('createApiClient', () => {
  it('matches responses to their requests whatever the order', async () => {
    const t = manualTransport();
    const api = createApiClient(t.transport);
    const a = api.corpora.stats({ corpusId: 1 });
    const b = api.corpora.stats({ corpusId: 2 });
    expect(t.requests.map((r) => [r.method, r.input])).toEqual([
      ['corpora.stats', { corpusId: 1 }],
      ['corpora.stats', { corpusId: 2 }],
    ]);
    expect(t.requests[0]!.id).not.toBe(t.requests[1]!.id);
    const stats = (id: number) => ({ ...corpus, id, charset: 'abc', longestDocumentChars: 10, averageDocumentWords: 3 });
    t.requests[1]!.resolve(stats(2));
    t.requests[0]!.resolve(stats(1));
    expect((await a).id).toBe(1);
    expect((await b).id).toBe(2);
  });

  it('validates input before sending, with a one-line message', async () => {
    const t = manualTransport();
    const api = createApiClient(t.transport);
    await expect(api.corpora.create({ name: '' })).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'corpora.create name: must not be empty',
    });
    expect(t.requests).toHaveLength(0);
  });

  it('sends inputs with defaults applied', () => {
    const t = manualTransport();
    void createApiClient(t.transport).generate.complete({ text: 'Once' });
    expect(t.requests[0]!.input).toEqual({ text: 'Once', n: 3, maxTokens: 24 });
  });

  it('surfaces service errors as {name, message}', async () => {
    const t = manualTransport();
    const api = createApiClient(t.transport);
    const p = api.corpora.stats({ corpusId: 9 });
    t.requests[0]!.reject({ name: 'NotFound', message: 'No corpus 9.' });
    const error = await p.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ name: 'NotFound', message: 'No corpus 9.' });
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'NotFound', message: 'No corpus 9.' });
  });

  it('turns unknown failures into Internal and bad outputs into Internal', async () => {
    const t = manualTransport();
    const api = createApiClient(t.transport);
    const a = api.corpora.list();
    t.requests[0]!.reject(new TypeError('boom'));
    await expect(a).rejects.toMatchObject({ name: 'Internal', message: 'boom' });
    const b = api.corpora.list();
    t.requests[1]!.resolve({ corpora: [{ id: 'one' }] });
    await expect(b).rejects.toMatchObject({ name: 'Internal', message: expect.stringContaining('corpora.list returned an unexpected result') });
  });

  it('cancels with an AbortSignal: rejects at once and tells the service', async () => {
    const t = manualTransport();
    const api = createApiClient(t.transport);
    const controller = new AbortController();
    const p = api.generate.complete({ text: 'Once' }, { signal: controller.signal });
    controller.abort();
    await expect(p).rejects.toMatchObject({ name: 'Cancelled' });
    expect(t.cancelled).toEqual([t.requests[0]!.id]);
    t.requests[0]!.resolve({ modelId: 1, alternatives: [] }); // a late answer is ignored
    await flush();
  });

  it('does not send a request whose signal is already aborted', async () => {
    const t = manualTransport();
    const controller = new AbortController();
    controller.abort();
    await expect(createApiClient(t.transport).corpora.list({}, { signal: controller.signal })).rejects.toMatchObject({ name: 'Cancelled' });
    expect(t.requests).toHaveLength(0);
  });

  it('cancels by request id', async () => {
    const t = manualTransport();
    const api = createApiClient(t.transport);
    const id = api.newRequestId();
    const p = api.generate.reply({ message: 'hi' }, { requestId: id });
    expect(t.requests[0]!.id).toBe(id);
    api.cancel(id);
    await expect(p).rejects.toMatchObject({ name: 'Cancelled' });
    expect(t.cancelled).toEqual([id]);
  });

  it('delivers validated events and routes generation tokens to their call', async () => {
    const t = manualTransport();
    const api = createApiClient(t.transport);
    const progress = vi.fn();
    const off = api.on('run.progress', progress);
    const tokens: string[] = [];
    void api.generate.reply({ message: 'hi' }, { requestId: 'r1', onToken: (s) => tokens.push(s) });
    t.emit('run.progress', { runId: 1, step: 5, totalSteps: null, epoch: null, trainLoss: 2.5, valLoss: null, bestValLoss: null, tokensPerSec: 100, etaSeconds: null, elapsedSeconds: 3 });
    t.emit('run.progress', { runId: 'x' }); // malformed: dropped
    t.emit('something.new', {}); // unknown: dropped
    t.emit('generation.token', { requestId: 'r1', text: 'Hel' });
    t.emit('generation.token', { requestId: 'other', text: 'no' });
    t.emit('generation.token', { requestId: 'r1', text: 'lo' });
    expect(progress).toHaveBeenCalledTimes(1);
    expect(progress.mock.calls[0]![0]).toMatchObject({ runId: 1, step: 5 });
    expect(tokens).toEqual(['Hel', 'lo']);
    off();
    t.emit('run.progress', { runId: 1, step: 6, totalSteps: null, epoch: null, trainLoss: 2.4, valLoss: null, bestValLoss: null, tokensPerSec: 100, etaSeconds: 10, elapsedSeconds: 4 });
    expect(progress).toHaveBeenCalledTimes(1);
  });

  it('keeps other listeners running when one throws', () => {
    const t = manualTransport();
    const errors: unknown[] = [];
    const api = createApiClient(t.transport, { onListenerError: (e) => errors.push(e) });
    const good = vi.fn();
    api.on('run.status', () => {
      throw new Error('bad listener');
    });
    api.on('run.status', good);
    t.emit('run.status', { runId: 1, status: 'running' });
    expect(good).toHaveBeenCalledOnce();
    expect(errors).toHaveLength(1);
  });

  it('rejects unknown methods and bad request ids', async () => {
    const api = createApiClient(manualTransport().transport);
    await expect(api.call('nope.nothing' as 'corpora.list')).rejects.toMatchObject({ name: 'NotFound' });
    await expect(api.corpora.list({}, { requestId: 'has space' })).rejects.toMatchObject({ name: 'ValidationError' });
  });
});
