/**
 * A writer SIGKILLed at any point leaves the previous checkpoint or the new one, complete, once
 * cleanStaleTemporaries has run. Real child processes (node --import tsx), a second or two in all.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanStaleTemporaries, writeCheckpointDir } from '../../../../src/model/checkpoint/directory.js';
import { verifyCheckpointDir } from '../../../../src/model/checkpoint/verify.js';
import { kill, startChild } from '../../../helpers/child.js';
import { tempDir } from './helpers.js';

const child = fileURLToPath(new URL('./killedWriter.child.ts', import.meta.url));

const start = (args: string[]) => startChild(child, args);

let parent: string;
let target: string;
beforeEach(async () => {
  parent = await tempDir();
  target = path.join(parent, '500');
});
afterEach(async () => fs.rm(parent, { recursive: true, force: true }));

describe('a checkpoint write killed with SIGKILL', () => {
  it.each([
    ['file', 'old'],
    ['synced', 'old'],
    ['moved-old', 'old'],
    ['renamed', 'new'],
  ])('at %s leaves the %s checkpoint', async (phase, survivor) => {
    const old = await writeCheckpointDir(target, { 'model.json': '{"label":"old"}', 'weights.bin': new Uint8Array(1000) }, { metadata: { label: 'old' } });
    const { proc, until } = start([target, 'phase', phase]);
    try {
      expect(await until((lines) => lines.length > 0)).toEqual([`at ${phase}`]);
    } finally {
      await kill(proc);
    }
    await cleanStaleTemporaries(parent);
    expect(await fs.readdir(parent)).toEqual(['500']);
    const digest = await verifyCheckpointDir(target);
    const meta = JSON.parse(await fs.readFile(path.join(target, 'longhand.json'), 'utf8'));
    expect(meta.label).toBe(survivor);
    if (survivor === 'old') expect(digest).toEqual(old);
  });

  it('at a random moment of a write loop leaves one of the two complete versions', async () => {
    for (const delay of [0, 7, 23]) {
      const { proc, until } = start([target, 'loop']);
      let seen = new Set<string>();
      try {
        await until((lines) => (seen = new Set(lines.map((line) => line.replace('wrote ', '')))).size === 2);
        await new Promise((resolve) => setTimeout(resolve, delay));
      } finally {
        await kill(proc);
      }
      await cleanStaleTemporaries(parent);
      expect(await fs.readdir(parent)).toEqual(['500']);
      expect(seen).toContain((await verifyCheckpointDir(target)).sha256);
    }
  });
});
