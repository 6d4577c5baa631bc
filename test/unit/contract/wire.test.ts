import { describe, expect, it } from 'vitest';
import { bridgeTransport, encodeMessage, parseClientMessage, parseServerMessage, unwrapResponse, type LonghandBridge } from '../../../src/contract/index.js';

describe('wire messages', () => {
  it('round-trips every message type', () => {
    const request = { type: 'request', id: 'c1-1', method: 'corpora.list', input: {} } as const;
    const cancel = { type: 'cancel', id: 'c1-1' } as const;
    const ok = { type: 'response', id: 'c1-1', output: { corpora: [] } } as const;
    const failed = { type: 'response', id: 'c1-2', error: { name: 'NotFound', message: 'No.' } } as const;
    const event = { type: 'event', name: 'run.status', payload: { runId: 1, status: 'running' } } as const;
    expect(parseClientMessage(encodeMessage(request))).toEqual(request);
    expect(parseClientMessage(encodeMessage(cancel))).toEqual(cancel);
    expect(parseServerMessage(encodeMessage(ok))).toEqual(ok);
    expect(parseServerMessage(encodeMessage(failed))).toEqual(failed);
    expect(parseServerMessage(encodeMessage(event))).toEqual(event);
  });

  it.each([
    ['not json', '{'],
    ['unknown type', '{"type":"hello","id":"a"}'],
    ['missing id', '{"type":"request","method":"corpora.list","input":{}}'],
    ['bad id', '{"type":"cancel","id":"../../x"}'],
    ['long id', JSON.stringify({ type: 'cancel', id: 'x'.repeat(65) })],
    ['extra field', '{"type":"cancel","id":"a","admin":true}'],
    ['server message sent by a client', '{"type":"event","name":"run.status","payload":{}}'],
  ])('refuses %s from a client', (_what, raw) => {
    expect(() => parseClientMessage(raw)).toThrow(expect.objectContaining({ name: 'ValidationError' }));
  });

  it('refuses malformed service messages', () => {
    expect(() => parseServerMessage('{"type":"response","id":"a","error":{"name":"Oops","message":"x"}}')).toThrow();
    expect(() => parseServerMessage('{"type":"response","id":"a","error":{"name":"Internal","message":"x"},"output":1}')).toThrow();
  });

  it('unwraps response bodies into output or ApiError', () => {
    expect(unwrapResponse({ output: 3 })).toBe(3);
    expect(() => unwrapResponse({ error: { name: 'Conflict', message: 'Busy.' } })).toThrow(
      expect.objectContaining({ name: 'Conflict', message: 'Busy.' }),
    );
    expect(() => unwrapResponse('nonsense')).toThrow(expect.objectContaining({ name: 'Internal' }));
  });
});

describe('bridgeTransport', () => {
  it('unwraps bridge bodies and keeps error names that Electron would lose', async () => {
    const bridge: LonghandBridge = {
      request: async (method) =>
        method === 'corpora.list' ? { output: { corpora: [] } } : { error: { name: 'Unavailable', message: 'No model yet.' } },
      cancel: () => {},
      subscribe: () => () => {},
    };
    const t = bridgeTransport(bridge);
    expect(await t.request('corpora.list', {}, 'a')).toEqual({ corpora: [] });
    await expect(t.request('generate.complete', {}, 'b')).rejects.toMatchObject({ name: 'Unavailable', message: 'No model yet.' });
  });

  it('reports a bridge that throws as Internal', async () => {
    const bridge: LonghandBridge = {
      request: async () => {
        throw new Error("Error invoking remote method 'longhand:request': boom");
      },
      cancel: () => {},
      subscribe: () => () => {},
    };
    await expect(bridgeTransport(bridge).request('corpora.list', {}, 'a')).rejects.toMatchObject({ name: 'Internal' });
  });
});
