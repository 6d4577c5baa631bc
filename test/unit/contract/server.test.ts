import { describe, expect, it } from 'vitest';
import { ApiError, createApiClient, createLocalTransport, createRequestHandler, type ApiEvent } from '../../../src/contract/index.js';
import { corpus, run } from './samples.js';

describe('createRequestHandler', () => {
  it('validates input, runs the handler with parsed input, validates output', async () => {
    const seen: unknown[] = [];
    const h = createRequestHandler({
      'corpora.create': (input) => {
        seen.push(input);
        return { ...corpus, name: input.name };
      },
    });
    expect(await h.handle('corpora.create', { name: ' Letters ' }, 'r1')).toEqual({ output: { ...corpus, name: 'Letters' } });
    expect(seen).toEqual([{ name: 'Letters' }]);
    expect(await h.handle('corpora.create', { name: 5 }, 'r2')).toEqual({
      error: { name: 'ValidationError', message: expect.stringMatching(/^corpora\.create name: /) },
    });
  });

  it('answers unknown and unimplemented methods clearly', async () => {
    const h = createRequestHandler({});
    expect(await h.handle('corpora.drop', {}, 'a')).toEqual({ error: { name: 'NotFound', message: 'Unknown method corpora.drop.' } });
    expect(await h.handle('corpora.list', {}, 'b')).toMatchObject({ error: { name: 'Unavailable' } });
  });

  it('passes ApiErrors through and hides the rest behind Internal', async () => {
    const internal: unknown[] = [];
    const h = createRequestHandler(
      {
        'corpora.stats': () => {
          throw new ApiError('NotFound', 'No corpus 3.');
        },
        'corpora.list': () => {
          throw new RangeError('index out of range');
        },
        'settings.get': () => ({ theme: 'purple' }) as never,
      },
      { onInternalError: (e) => internal.push(e) },
    );
    expect(await h.handle('corpora.stats', { corpusId: 3 }, 'a')).toEqual({ error: { name: 'NotFound', message: 'No corpus 3.' } });
    expect(await h.handle('corpora.list', {}, 'b')).toEqual({ error: { name: 'Internal', message: 'index out of range' } });
    expect(await h.handle('settings.get', {}, 'c')).toMatchObject({ error: { name: 'Internal' } });
    expect(internal).toHaveLength(2);
  });

  it('aborts the handler signal on cancel and answers Cancelled', async () => {
    let signal: AbortSignal | undefined;
    const h = createRequestHandler({
      'generate.complete': (_input, ctx) =>
        new Promise((_, reject) => {
          signal = ctx.signal;
          ctx.signal.addEventListener('abort', () => reject(new Error('stopped')));
        }),
    });
    const answer = h.handle('generate.complete', { text: 'a' }, 'g1');
    h.cancel('g1');
    expect(signal?.aborted).toBe(true);
    expect(await answer).toEqual({ error: { name: 'Cancelled', message: 'generate.complete was cancelled.' } });
  });

  it('refuses a request id already in flight', async () => {
    let release = () => {};
    const h = createRequestHandler({ 'corpora.list': () => new Promise((r) => (release = () => r({ corpora: [] }))) });
    const first = h.handle('corpora.list', {}, 'same');
    expect(await h.handle('corpora.list', {}, 'same')).toMatchObject({ error: { name: 'Conflict' } });
    release();
    expect(await first).toEqual({ output: { corpora: [] } });
  });

  it('streams tokens to the caller only', async () => {
    const events: ApiEvent[] = [];
    const h = createRequestHandler({
      'generate.reply': (_input, ctx) => {
        ctx.emitToken('Hi');
        ctx.emitToken(' there');
        return { modelId: 2, reply: 'Hi there', score: -1 };
      },
    });
    await h.handle('generate.reply', { message: 'hello' }, 'r9', { emit: (e) => events.push(e) });
    expect(events).toEqual([
      { name: 'generation.token', payload: { requestId: 'r9', text: 'Hi' } },
      { name: 'generation.token', payload: { requestId: 'r9', text: ' there' } },
    ]);
  });
});

describe('createLocalTransport', () => {
  it('gives a typed client over handlers, with events', async () => {
    const transport = createLocalTransport({ 'runs.start': () => run });
    const api = createApiClient(transport);
    const statuses: string[] = [];
    api.on('run.status', (e) => statuses.push(e.status));
    expect((await api.runs.start({ kind: 'lm', corpusId: 1, preset: 'small' })).id).toBe(7);
    transport.emit({ name: 'run.status', payload: { runId: 7, status: 'running' } });
    expect(statuses).toEqual(['running']);
  });
});
