/**
 * The built renderer for end-to-end tests: dist/renderer is rebuilt when it is missing or older than its sources
 * (scripts/renderer-stale.mjs, the rule `npm run web` uses). Test files run in parallel, so one build at a
 * time holds a lock directory and the others wait for it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { rendererIsStale } from '../../scripts/renderer-stale.mjs';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');
const LOCK = path.join(ROOT, 'dist', '.renderer-build.lock');
/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 3 * 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function takeLock(): boolean {
  try {
    fs.mkdirSync(LOCK, { recursive: false });
    return true;
  } catch {
    try {
      if (Date.now() - fs.statSync(LOCK).mtimeMs > STALE_LOCK_MS) fs.rmSync(LOCK, { recursive: true, force: true });
    } catch {
      // Released meanwhile.
    }
    return false;
  }
}

/** Builds dist/renderer unless it is up to date (waiting for a build another test file started). */
export async function ensureRendererBuilt(): Promise<void> {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  while (!takeLock()) await sleep(250);
  try {
    if (!rendererIsStale()) return;
    const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    const result = spawnSync(process.execPath, [vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'error'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`building the renderer failed:\n${result.stderr || result.stdout}`);
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}
