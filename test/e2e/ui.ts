/**
 * Finding Longhand's panes and controls the way a screen reader user would (by role and accessible name), and
 * screenshots of a pane in the light and dark themes for a person to look at (test/artifacts/e2e, git-ignored).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { ARTIFACTS } from './app.js';
import type { InPage } from './inPage.js';

export const PANE_LABELS = ['Editor', 'Summarizer', 'Dialogue', 'Library', 'Training', 'Models', 'Settings'] as const;
export type PaneLabel = (typeof PANE_LABELS)[number];

export const nav = (page: Page): Locator => page.getByRole('navigation', { name: 'Panes' });

/** The pane's section (a named region), visible only while it is shown. */
export const pane = (page: Page, label: PaneLabel): Locator => page.getByRole('region', { name: label, exact: true });

/** Shows a pane with its button in the navigation rail. */
export async function showPane(page: Page, label: PaneLabel): Promise<Locator> {
  await nav(page).getByRole('button', { name: label, exact: true }).click();
  const section = pane(page, label);
  await section.waitFor({ state: 'visible' });
  return section;
}

/** Polls `read` until `accept` holds (Playwright's expect.poll without its test runner). */
export async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what} (last value: ${JSON.stringify(last)})`);
}

/**
 * Screenshots the page in both colour schemes (the theme follows the system unless set in Settings), after
 * scrolling `show` into view when given.
 */
export async function screenshotBoth(page: Page, name: string, show?: Locator): Promise<string[]> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await show?.scrollIntoViewIfNeeded();
  const files: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // Two frames: styles recompute, then anything drawn from them (the loss chart) repaints.
    await page.evaluate(() => {
      const w = globalThis as unknown as InPage;
      return new Promise<void>((resolve) => w.requestAnimationFrame(() => w.requestAnimationFrame(resolve)));
    });
    const file = path.join(ARTIFACTS, `${name}-${scheme}.png`);
    await page.screenshot({ path: file });
    files.push(file);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return files;
}
