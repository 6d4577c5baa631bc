/**
 * Tab with no ghost showing, in a real browser (issue 14): the writer presses Tab to indent a paragraph and
 * keeps typing — focus stays in the draft, the caret with it, and the tab is in the text. Esc then Tab still
 * moves focus on (the keyboard user's way out of the editor). Suggestions are held back (a 5 s pause) so no
 * ghost can appear while the keys are pressed; Tab accepting a ghost is walked in writing.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type E2eApp } from './app.js';
import { draftEditor, draftText, ghost } from './editorDom.js';
import type { InPage } from './inPage.js';

describe('Tab in the draft with no suggestion showing', () => {
  let app: E2eApp;
  beforeAll(async () => {
    app = await startApp();
    await app.api.settings.update({ completion: { delayMs: 5000 }, welcome: { dismissed: true } });
    await app.page.reload();
  });
  afterAll(async () => {
    await app?.close();
  });

  const editorHasFocus = () =>
    draftEditor(app.page).evaluate((el) => el === (globalThis as unknown as InPage).document.activeElement);

  it('indents and keeps the keyboard in the editor, so typing goes on', async () => {
    const { page } = app;
    await draftEditor(page).click();
    await page.keyboard.type('Chapter One');
    await page.keyboard.press('Enter');
    expect(await ghost(page).count()).toBe(0);
    await page.keyboard.press('Tab');
    expect(await editorHasFocus()).toBe(true);
    await page.keyboard.type('It was a dark night.');
    expect(await draftText(page)).toBe('Chapter One\n\tIt was a dark night.');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.type(' Then');
    expect(await draftText(page)).toBe('Chapter One\nIt was a dark night. Then');
    expect(await editorHasFocus()).toBe(true);
  });

  it('lets a keyboard user leave with Esc then Tab', async () => {
    const { page } = app;
    await draftEditor(page).click();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    expect(await editorHasFocus()).toBe(false);
    expect(await draftText(page)).toBe('Chapter One\nIt was a dark night. Then');
  });
});
