/**
 * One trainer per run: `models/<run-id>/train.lock` holds the owner's pid and host. A lock whose process is
 * gone (killed, crashed) is taken over, which is how `train --resume` tells a dead "running" run from a live
 * one in another process. (pid reuse could keep a stale lock alive; the message names the pid to check.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'train.lock';

export class RunLockedError extends Error {
  constructor(
    readonly runId: number,
    readonly pid: number,
  ) {
    super(`run ${runId} is being trained by process ${pid}${pid === process.pid ? ' (this process)' : ''}`);
    this.name = 'RunLockedError';
  }
}

export interface RunLock {
  /** True when the lock was taken over from a process that no longer exists. */
  readonly stale: boolean;
  release(): void;
}

export function acquireRunLock(runDir: string, runId: number): RunLock {
  fs.mkdirSync(runDir, { recursive: true });
  const file = path.join(runDir, LOCK_FILE);
  const mine = JSON.stringify({ pid: process.pid, host: os.hostname(), at: new Date().toISOString() });
  let stale = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx' });
      let released = false;
      return {
        stale,
        release: () => {
          if (released) return;
          released = true;
          try {
            if (fs.readFileSync(file, 'utf8') === mine) fs.rmSync(file, { force: true });
          } catch {
            // already gone
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(file);
    // A lock from another machine (a shared data folder) cannot be checked, so it is respected; an unreadable
    // one (a crash while writing it) or one whose process is gone is taken over.
    if (owner && (owner.host !== os.hostname() || owner.pid === process.pid || isAlive(owner.pid))) throw new RunLockedError(runId, owner.pid);
    fs.rmSync(file, { force: true });
    stale = true;
  }
  throw new Error(`could not lock run ${runId} (${file} keeps reappearing)`);
}

function readOwner(file: string): { pid: number; host: string } | null {
  try {
    const value = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown; host?: unknown };
    return typeof value.pid === 'number' && typeof value.host === 'string' ? { pid: value.pid, host: value.host } : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
