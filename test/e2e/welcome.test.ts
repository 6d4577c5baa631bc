/**
 * The first-run welcome in a real browser: on a fresh data directory the editor greets the writer above the
 * draft (screenshotted in both themes), writing still works with it showing, "Got it" sends it away for good
 * (also after a reload: it is a setting in the data directory), and "Import my writing" leads to the Library.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type E2eApp } from './app.js';
import { draftEditor, draftText } from './editorDom.js';
import type { InPage } from './inPage.js';
import { pane, screenshotBoth } from './ui.js';

describe('the first-run welcome', () => {
  let app: E2eApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  async function deleteDrafts() {
    for (const d of (await app.api.documents.list()).documents) await app.api.documents.delete({ id: d.id });
  }

  const welcome = () => pane(app.page, 'Editor').getByRole('region', { name: 'Welcome to Longhand' });

  it('greets a new writer in the editor, above a draft that can be written in', async () => {
    const { page } = app;
    await welcome().waitFor();
    const text = (await welcome().textContent()) ?? '';
    expect(text).toContain('starter model trained on two dozen public-domain novels');
    expect(text).toContain('import your writing in the Library');
    expect(text).toContain('Everything stays on this computer');
    expect(await welcome().getByRole('button').allTextContents()).toEqual(['Import my writing', 'Got it']);
    // The welcome sits above the writing column, not over it.
    const panel = (await welcome().boundingBox())!;
    const editor = (await draftEditor(page).boundingBox())!;
    expect(panel.y + panel.height).toBeLessThanOrEqual(editor.y);
    await screenshotBoth(page, 'first-run-welcome');
    await draftEditor(page).click();
    await page.keyboard.type('Shall I');
    expect(await draftText(page)).toBe('Shall I');
    await pane(page, 'Editor').getByText('Saved', { exact: true }).waitFor();
    expect(await welcome().count()).toBe(1);
  });

  it('"Got it" dismisses it, back into the draft, and it stays away after a reload', async () => {
    const { page } = app;
    await welcome().getByRole('button', { name: 'Got it' }).click();
    await welcome().waitFor({ state: 'detached' });
    expect(await draftEditor(page).evaluate((el) => el === (globalThis as unknown as InPage).document.activeElement)).toBe(true);
    // Remembered as dismissed, not merely hidden because a draft now exists.
    await deleteDrafts();
    await page.reload();
    await draftEditor(page).waitFor();
    expect(await welcome().count()).toBe(0);
  });

  it('"Import my writing" opens the Library', async () => {
    const { page } = app;
    // As if on another first run: forget the dismissal.
    await deleteDrafts();
    await app.api.settings.update({ welcome: { dismissed: false } });
    await page.reload();
    await welcome().getByRole('button', { name: 'Import my writing' }).click();
    await pane(page, 'Library').waitFor({ state: 'visible' });
    await pane(page, 'Editor').waitFor({ state: 'hidden' });
    expect(await welcome().count()).toBe(0);
  });
});
