import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE, RunLockedError, acquireRunLock } from '../../../src/train/runLock.js';
import { useTempDir } from '../store/tempDir.js';

describe('run lock', () => {
  const dir = useTempDir('longhand-lock-');

  it('is exclusive while held and free again once released', () => {
    const lock = acquireRunLock(dir(), 7);
    expect(lock.stale).toBe(false);
    expect(() => acquireRunLock(dir(), 7)).toThrow(RunLockedError);
    lock.release();
    expect(fs.existsSync(path.join(dir(), LOCK_FILE))).toBe(false);
    acquireRunLock(dir(), 7).release();
  });

  it('takes over the lock of a process that is gone, or an unreadable one', () => {
    // pid 2^22 + 1 is above Linux's default pid_max, so no such process exists.
    fs.writeFileSync(path.join(dir(), LOCK_FILE), JSON.stringify({ pid: 4194305, host: os.hostname() }));
    const lock = acquireRunLock(dir(), 1);
    expect(lock.stale).toBe(true);
    lock.release();
    fs.writeFileSync(path.join(dir(), LOCK_FILE), '{"pid":');
    acquireRunLock(dir(), 1).release();
  });

  it('respects a lock held by a live process or another machine', () => {
    fs.writeFileSync(path.join(dir(), LOCK_FILE), JSON.stringify({ pid: process.ppid, host: os.hostname() }));
    expect(() => acquireRunLock(dir(), 3)).toThrow(`run 3 is being trained by process ${process.ppid}`);
    fs.writeFileSync(path.join(dir(), LOCK_FILE), JSON.stringify({ pid: 4194305, host: 'elsewhere' }));
    expect(() => acquireRunLock(dir(), 3)).toThrow(RunLockedError);
  });
});
