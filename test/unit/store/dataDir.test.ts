import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../../../src/store/dataDir.js';

describe('resolveDataDir', () => {
  it.each([
    ['linux', {}, '/home/ada/.config/Longhand'],
    ['linux', { XDG_CONFIG_HOME: '/xdg' }, '/xdg/Longhand'],
    ['darwin', {}, '/home/ada/Library/Application Support/Longhand'],
    ['win32', { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'C:\\Users\\ada\\AppData\\Roaming\\Longhand'],
  ] as const)('on %s with %o', (platform, env, expected) => {
    expect(resolveDataDir({ platform, env, home: '/home/ada' })).toBe(expected);
  });

  it('prefers LONGHAND_HOME, made absolute', () => {
    expect(resolveDataDir({ platform: 'linux', env: { LONGHAND_HOME: 'rel/dir' }, home: '/h' })).toBe(
      path.resolve('rel/dir'),
    );
  });
});
