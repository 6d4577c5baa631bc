/**
 * Where the Electron build of better-sqlite3 lives. npm installs better-sqlite3 built for Node (tests and the CLI
 * use it); Electron has its own ABI, so `npm start` runs scripts/electron-native.mjs, which builds a copy for the
 * installed Electron into dist/native/electron/ (it needs network access once, for Electron's headers or a
 * prebuilt binary). The main process passes that file to better-sqlite3's `nativeBinding` option; without it
 * the database cannot open and the app says how to fix it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const NATIVE_DIR = path.join('dist', 'native', 'electron');
export const NATIVE_FILE = 'better_sqlite3.node';

export function electronNativeBinding(appRoot: string): string | undefined {
  const file = path.join(appRoot, NATIVE_DIR, NATIVE_FILE);
  return existsSync(file) ? file : undefined;
}
