import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate } from '../../../electron/menu.js';

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}

describe('application menu', () => {
  const calls: string[] = [];
  const actions = { importFiles: () => calls.push('import'), exportModel: () => calls.push('export'), about: () => calls.push('about') };

  it('has File (import, export, quit), Edit, View, Window and Help', () => {
    const template = menuTemplate(actions, { isDev: false, isMac: false, appName: 'Longhand' });
    expect(template.map((m) => m.label ?? m.role)).toEqual(['File', 'Edit', 'View', 'Window', 'help']);
    const items = flatten(template);
    const byLabel = (label: string) => items.find((i) => i.label === label);
    (byLabel('Import Files…')?.click as () => void)();
    (byLabel('Export Model…')?.click as () => void)();
    (byLabel('About Longhand')?.click as () => void)();
    expect(calls).toEqual(['import', 'export', 'about']);
    expect(items.some((i) => i.role === 'quit')).toBe(true);
    expect(items.some((i) => i.role === 'togglefullscreen')).toBe(true);
    expect(items.some((i) => i.role === 'zoomIn')).toBe(true);
  });

  it('offers reload and developer tools only in development', () => {
    const roles = (isDev: boolean) => flatten(menuTemplate(actions, { isDev, isMac: false, appName: 'Longhand' })).map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).not.toContain('reload');
    expect(roles(true)).toContain('toggleDevTools');
    expect(roles(true)).toContain('reload');
  });

  it('puts About and Quit in the app menu on macOS', () => {
    const template = menuTemplate(actions, { isDev: false, isMac: true, appName: 'Longhand' });
    expect(template[0]?.label).toBe('Longhand');
    expect(flatten([template[0]!]).map((i) => i.role ?? i.label)).toContain('quit');
  });
});
