import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_STATE, WINDOW_STATE_FILE, loadWindowState, saveWindowState } from '../../../electron/windowState.js';

describe('window state', () => {
  let dir = '';
  const display = { x: 0, y: 0, width: 1920, height: 1080 };
  beforeEach(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-window-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('defaults when nothing was saved or the file is garbage', () => {
    expect(loadWindowState(dir, [display])).toEqual(DEFAULT_WINDOW_STATE);
    fs.writeFileSync(path.join(dir, WINDOW_STATE_FILE), '{"width": "wide"');
    expect(loadWindowState(dir, [display])).toEqual(DEFAULT_WINDOW_STATE);
    fs.writeFileSync(path.join(dir, WINDOW_STATE_FILE), '{"width": 10, "height": 10}');
    expect(loadWindowState(dir, [display])).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('remembers size, position and maximised', () => {
    saveWindowState(dir, { x: 100.4, y: 50, width: 1000, height: 700, maximized: true });
    expect(loadWindowState(dir, [display])).toEqual({ x: 100, y: 50, width: 1000, height: 700, maximized: true });
  });

  it('drops a position that is no longer on any display but keeps the size', () => {
    saveWindowState(dir, { x: 3000, y: 50, width: 1000, height: 700, maximized: false });
    expect(loadWindowState(dir, [display])).toEqual({ width: 1000, height: 700, maximized: false });
    expect(loadWindowState(dir, [display, { x: 1920, y: 0, width: 1920, height: 1080 }])).toMatchObject({ x: 3000 });
  });
});
