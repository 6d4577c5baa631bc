import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanStaleTemporaries, writeCheckpointDir } from '../../../../src/model/checkpoint/directory.js';
import { CheckpointError } from '../../../../src/model/checkpoint/errors.js';
import { canonicalManifest, digestBytes } from '../../../../src/model/checkpoint/manifest.js';
import { verifyCheckpointDir } from '../../../../src/model/checkpoint/verify.js';
import { flipByte, tempDir } from './helpers.js';

const sha = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex');

let parent: string;
let target: string;
beforeEach(async () => {
  parent = await tempDir();
  target = path.join(parent, 'run-1', '100');
});
afterEach(async () => {
  await fs.rm(parent, { recursive: true, force: true });
});

const files = { 'a.bin': new Uint8Array([1, 2, 3, 4]), 'b.json': '{"x":1}\n' };

async function rejection(promise: Promise<unknown>): Promise<CheckpointError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CheckpointError);
  return error as CheckpointError;
}

describe('writeCheckpointDir', () => {
  it('writes the files and returns the sha256 of the canonical manifest', async () => {
    const digest = await writeCheckpointDir(target, files);
    expect((await fs.readdir(target)).sort()).toEqual(['a.bin', 'b.json']);
    expect(await fs.readFile(path.join(target, 'b.json'), 'utf8')).toBe('{"x":1}\n');
    const manifest = `a.bin\t${sha(files['a.bin'])}\t4\nb.json\t${sha(files['b.json'])}\t8\n`;
    expect(canonicalManifest(digest.files)).toBe(manifest);
    expect(digest).toEqual({ sha256: sha(manifest), bytes: 12, files: { 'a.bin': digestBytes(files['a.bin']), 'b.json': digestBytes(files['b.json']) } });
    expect(await verifyCheckpointDir(target, digest.sha256)).toEqual(digest);
    expect((await fs.readdir(path.dirname(target))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('adds longhand.json with the manifest of the other files, and covers it in the sha256', async () => {
    const digest = await writeCheckpointDir(target, files, { metadata: { format: 'test', step: 3 } });
    const meta = JSON.parse(await fs.readFile(path.join(target, 'longhand.json'), 'utf8'));
    expect(meta).toEqual({ format: 'test', step: 3, files: { 'a.bin': digestBytes(files['a.bin']), 'b.json': digestBytes(files['b.json']) } });
    expect(Object.keys(digest.files)).toEqual(['a.bin', 'b.json', 'longhand.json']);
    expect(await verifyCheckpointDir(target, digest.sha256)).toEqual(digest);
  });

  it('replaces an existing checkpoint', async () => {
    await writeCheckpointDir(target, { 'old.bin': 'old' });
    const digest = await writeCheckpointDir(target, files);
    expect((await fs.readdir(target)).sort()).toEqual(['a.bin', 'b.json']);
    await verifyCheckpointDir(target, digest.sha256);
    expect((await fs.readdir(path.dirname(target))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('refuses names that are not flat checkpoint file names', async () => {
    for (const name of ['../x', 'sub/x', '.hidden', '']) {
      const error = await rejection(writeCheckpointDir(target, { [name]: 'x' }));
      expect(error.code).toBe('write-failed');
    }
    await expect(fs.access(target)).rejects.toThrow();
  });

  it.each(['file', 'synced', 'moved-old'] as const)('leaves the old checkpoint intact when the write fails at %s', async (phase) => {
    const old = await writeCheckpointDir(target, { 'model.json': '{"old":true}', 'weights.bin': new Uint8Array(64) }, { metadata: { v: 1 } });
    let calls = 0;
    const error = await rejection(
      writeCheckpointDir(target, { 'model.json': '{"new":true}', 'weights.bin': new Uint8Array(128) }, {
        metadata: { v: 2 },
        onPhase: (event) => {
          if (event.phase === phase && ++calls === 1) throw new Error(`disk full at ${phase}`);
        },
      }),
    );
    expect(error.code).toBe('write-failed');
    expect(error.message).toContain(`disk full at ${phase}`);
    expect(error.message).toContain(target);
    expect(await verifyCheckpointDir(target, old.sha256)).toEqual(old);
    expect((await fs.readdir(path.dirname(target))).sort()).toEqual(['100']);
  });

  it('leaves no partial target when a first write fails midway', async () => {
    await rejection(
      writeCheckpointDir(target, files, {
        onPhase: (event) => {
          if (event.phase === 'file') throw new Error('boom');
        },
      }),
    );
    expect(await fs.readdir(path.dirname(target))).toEqual([]);
  });
});

describe('cleanStaleTemporaries', () => {
  it('removes .tmp- directories left by a crash', async () => {
    const good = await writeCheckpointDir(target, files);
    const stale = path.join(path.dirname(target), '.100.tmp-0123456789ab');
    await fs.mkdir(stale);
    await fs.writeFile(path.join(stale, 'a.bin'), 'partial');
    const result = await cleanStaleTemporaries(path.dirname(target));
    expect(result).toEqual({ removed: [stale], restored: [] });
    expect(await fs.readdir(path.dirname(target))).toEqual(['100']);
    await verifyCheckpointDir(target, good.sha256);
  });

  it('restores the previous checkpoint when a crash came between the two renames', async () => {
    const good = await writeCheckpointDir(target, files);
    const backup = path.join(path.dirname(target), '.100.old-0123456789ab');
    await fs.rename(target, backup);
    await fs.mkdir(path.join(path.dirname(target), '.100.tmp-ba9876543210'));
    const result = await cleanStaleTemporaries(path.dirname(target));
    expect(result.restored).toEqual([target]);
    expect(await fs.readdir(path.dirname(target))).toEqual(['100']);
    await verifyCheckpointDir(target, good.sha256);
  });

  it('drops an .old- copy once the new checkpoint is in place, and ignores everything else', async () => {
    await writeCheckpointDir(target, files);
    const dir = path.dirname(target);
    await fs.mkdir(path.join(dir, '.100.old-0123456789ab'));
    await fs.mkdir(path.join(dir, '.other'));
    await fs.writeFile(path.join(dir, 'notes.tmp-0123456789ab'), '');
    await cleanStaleTemporaries(dir);
    expect((await fs.readdir(dir)).sort()).toEqual(['.other', '100', 'notes.tmp-0123456789ab']);
  });

  it('is a no-op for a missing directory', async () => {
    expect(await cleanStaleTemporaries(path.join(parent, 'nope'))).toEqual({ removed: [], restored: [] });
  });
});

describe('verifyCheckpointDir', () => {
  let recorded: Awaited<ReturnType<typeof writeCheckpointDir>>;
  beforeEach(async () => {
    recorded = await writeCheckpointDir(target, { 'weights.bin': new Uint8Array(32).fill(7), 'model.json': '{}' }, { metadata: { v: 1 } });
  });

  it('names a changed file', async () => {
    await flipByte(path.join(target, 'weights.bin'), 5);
    const error = await rejection(verifyCheckpointDir(target));
    expect(error.code).toBe('changed');
    expect(error.file).toBe('weights.bin');
    expect(error.message).toMatch(/^weights\.bin in checkpoint .* has changed since it was written \(sha256 [0-9a-f]{12}… recorded, [0-9a-f]{12}… found\)$/);
  });

  it('names a truncated file', async () => {
    await fs.truncate(path.join(target, 'weights.bin'), 20);
    const error = await rejection(verifyCheckpointDir(target));
    expect(error.code).toBe('truncated');
    expect(error.message).toContain('weights.bin in checkpoint');
    expect(error.message).toContain('20 bytes, 32 when it was written');
  });

  it('names a missing file, and every other problem', async () => {
    await fs.rm(path.join(target, 'model.json'));
    await flipByte(path.join(target, 'weights.bin'), 0);
    const error = await rejection(verifyCheckpointDir(target));
    expect(error.code).toBe('missing');
    expect(error.message).toBe(`checkpoint ${target} is missing model.json (listed in longhand.json); also wrong: weights.bin`);
  });

  it('refuses a checkpoint whose sha256 differs from the recorded one', async () => {
    const error = await rejection(verifyCheckpointDir(target, 'f'.repeat(64)));
    expect(error.code).toBe('changed');
    expect(error.message).toContain('does not match the sha256 recorded when it was saved (ffffffffffff… recorded');
    // Changing longhand.json itself is only visible through the recorded sha256.
    const meta = path.join(target, 'longhand.json');
    await fs.writeFile(meta, (await fs.readFile(meta, 'utf8')).replace('"v": 1', '"v": 2'));
    await verifyCheckpointDir(target);
    const edited = await rejection(verifyCheckpointDir(target, recorded.sha256));
    expect(edited.message).toContain('longhand.json itself was changed or replaced');
  });

  it('ignores files outside the manifest (OS litter) and accepts an upper-case sha256', async () => {
    await fs.writeFile(path.join(target, 'Thumbs.db'), 'x');
    await fs.writeFile(path.join(target, '.DS_Store'), 'x');
    expect((await verifyCheckpointDir(target, recorded.sha256.toUpperCase())).sha256).toBe(recorded.sha256);
  });

  it('hashes a directory without longhand.json as it is', async () => {
    const plain = await writeCheckpointDir(path.join(parent, 'plain'), files);
    await fs.writeFile(path.join(parent, 'plain', 'extra.txt'), 'x');
    const error = await rejection(verifyCheckpointDir(path.join(parent, 'plain'), plain.sha256));
    expect(error.message).toContain('a file was changed, added or removed');
  });

  it('refuses unreadable longhand.json and missing directories', async () => {
    await fs.writeFile(path.join(target, 'longhand.json'), '{"files": ');
    expect((await rejection(verifyCheckpointDir(target))).message).toMatch(/^longhand\.json in checkpoint .* is not valid JSON/);
    await fs.writeFile(path.join(target, 'longhand.json'), '{"v": 1}');
    expect((await rejection(verifyCheckpointDir(target))).message).toContain('has no valid file manifest');
    const missing = await rejection(verifyCheckpointDir(path.join(parent, 'nope')));
    expect([missing.code, missing.message]).toEqual(['missing', `checkpoint ${path.join(parent, 'nope')} does not exist`]);
  });
});
