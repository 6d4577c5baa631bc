/**
 * Where Longhand keeps its data: `$LONGHAND_HOME` if set, else the folder Electron's
 * `app.getPath('userData')` gives for a product named "Longhand" — computed here without Electron so the
 * CLI, browser mode and the desktop app all open the same database.
 */
import os from 'node:os';
import path from 'node:path';

export const PRODUCT_NAME = 'Longhand';
export const DATABASE_FILE = 'longhand.sqlite';
export const MODELS_DIR = 'models';

export interface DataDirInputs {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
}

/** Electron's appData: %APPDATA% on Windows, ~/Library/Application Support on macOS, $XDG_CONFIG_HOME or ~/.config elsewhere. */
export function appDataDir({ env, platform, home }: DataDirInputs): string {
  if (platform === 'win32') return env.APPDATA || path.win32.join(home, 'AppData', 'Roaming');
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support');
  return env.XDG_CONFIG_HOME || path.posix.join(home, '.config');
}

export function resolveDataDir(
  inputs: Partial<DataDirInputs> = {},
): string {
  const env = inputs.env ?? process.env;
  const platform = inputs.platform ?? process.platform;
  const home = inputs.home ?? os.homedir();
  if (env.LONGHAND_HOME) return path.resolve(env.LONGHAND_HOME);
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  return join(appDataDir({ env, platform, home }), PRODUCT_NAME);
}
