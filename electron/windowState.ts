/**
 * The main window's size and position, remembered in `window-state.json` in userData. A saved position is used
 * only if the window would still be visible on one of the current displays (a monitor may have been unplugged).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820, maximized: false };
export const WINDOW_STATE_FILE = 'window-state.json';

const Stored = z.object({
  x: z.int().min(-100_000).max(100_000).optional(),
  y: z.int().min(-100_000).max(100_000).optional(),
  width: z.int().min(400).max(20_000),
  height: z.int().min(300).max(20_000),
  maximized: z.boolean().default(false),
});

/** At least this much of the window (px, both ways) must be on a display for the saved position to be kept. */
const MIN_VISIBLE = 64;

function overlaps(a: Rect, b: Rect): boolean {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w >= MIN_VISIBLE && h >= MIN_VISIBLE;
}

export function loadWindowState(dir: string, displays: readonly Rect[]): WindowState {
  let stored;
  try {
    stored = Stored.safeParse(JSON.parse(fs.readFileSync(path.join(dir, WINDOW_STATE_FILE), 'utf8')));
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
  if (!stored.success) return { ...DEFAULT_WINDOW_STATE };
  const { x, y, width, height, maximized } = stored.data;
  if (x === undefined || y === undefined) return { width, height, maximized };
  const visible = displays.some((d) => overlaps({ x, y, width, height }, d));
  return visible ? { x, y, width, height, maximized } : { width, height, maximized };
}

/** Writes atomically (temporary file, rename), so a crash never leaves half a file. */
export function saveWindowState(dir: string, state: WindowState): void {
  const file = path.join(dir, WINDOW_STATE_FILE);
  const tmp = `${file}.tmp`;
  const rounded = {
    ...(state.x !== undefined ? { x: Math.round(state.x) } : {}),
    ...(state.y !== undefined ? { y: Math.round(state.y) } : {}),
    width: Math.round(state.width),
    height: Math.round(state.height),
    maximized: state.maximized,
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(tmp, `${JSON.stringify(rounded)}\n`);
  fs.renameSync(tmp, file);
}
