import { describe, expect, it } from 'vitest';
import { ModelCache } from '../../../src/worker/modelCache.js';

function fakeModel(name: string, disposed: string[]) {
  return { name, dispose: () => void disposed.push(name) };
}

describe('ModelCache', () => {
  it('loads once per key and evicts the least recently used beyond its capacity', async () => {
    const disposed: string[] = [];
    const loads: string[] = [];
    const cache = new ModelCache<ReturnType<typeof fakeModel>>(2);
    const use = (key: string) =>
      cache.use(key, async () => (loads.push(key), fakeModel(key, disposed)), async (m) => m.name);
    expect(await use('a')).toBe('a');
    expect(await use('b')).toBe('b');
    expect(await use('a')).toBe('a');
    expect(loads).toEqual(['a', 'b']);
    await use('c'); // b is the least recently used
    await Promise.resolve();
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(disposed).toEqual(['b']);
    await use('b');
    expect(loads).toEqual(['a', 'b', 'c', 'b']);
  });

  it('never disposes of a model in use', async () => {
    const disposed: string[] = [];
    const cache = new ModelCache<ReturnType<typeof fakeModel>>(1);
    let release!: () => void;
    const held = cache.use('a', async () => fakeModel('a', disposed), () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 0));
    await cache.use('b', async () => fakeModel('b', disposed), async () => undefined);
    await Promise.resolve();
    // Over capacity with 'a' busy: only 'b' may go.
    expect(disposed).toEqual(['b']);
    expect(cache.keys()).toEqual(['a']);
    release();
    await held;
    await Promise.resolve();
    expect(disposed).toEqual(['b']);
    expect(cache.keys()).toEqual(['a']);
  });

  it('forgets a failed load so the next call tries again', async () => {
    const cache = new ModelCache<ReturnType<typeof fakeModel>>(2);
    let attempts = 0;
    const load = async () => {
      attempts++;
      if (attempts === 1) throw new Error('corrupt');
      return fakeModel('a', []);
    };
    await expect(cache.use('a', load, async (m) => m.name)).rejects.toThrow('corrupt');
    expect(cache.size).toBe(0);
    await expect(cache.use('a', load, async (m) => m.name)).resolves.toBe('a');
  });
});
