/**
 * Sharp edges a new writer hit (issue 14), in a real browser, on a fresh data directory:
 *  - Tab with no ghost showing: the writer presses Tab to indent a paragraph and keeps typing — focus stays in
 *    the draft and the tab is in the text; Esc then Tab still moves focus on (the keyboard user's way out).
 *    Suggestions are held back (a 5 s pause) so no ghost can appear; Tab accepting a ghost is in writing.test.ts.
 *  - The Training pane: the starter run shows the figures its checkpoint has; a failed run shows its failure
 *    and final figures, without a moving bar, and its chart ticks whole steps; scrolling the pane never
 *    scrolls the window (the navigation rail stays put).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type E2eApp } from './app.js';
import { draftEditor, draftText, ghost } from './editorDom.js';
import type { InPage, InPageElement } from './inPage.js';
import { nav, pane, showPane, until } from './ui.js';

describe('sharp edges', () => {
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

  it('shows the starter run with its checkpoint’s figures, not "Waiting for the first step…"', async () => {
    const { page } = app;
    await until(async () => (await app.api.checkpoints.list()).checkpoints.length, (n) => n > 0, 'the starter model');
    const training = await showPane(page, 'Training');
    await training.getByRole('button', { name: 'Starter prose' }).click();
    const card = training.getByRole('region', { name: 'Starter prose' });
    // The figures the shipped checkpoint records (resources/starter/model/longhand.json).
    const shipped = JSON.parse(readFileSync('resources/starter/model/longhand.json', 'utf8')) as { step: number; metrics: { trainLoss: number; valLoss: number } };
    await card.getByText(new RegExp(`^Step ${shipped.step.toLocaleString('en-US')}`)).waitFor();
    expect(await card.getByText('Waiting for the first step…').count()).toBe(0);
    expect(await card.locator('dd').allTextContents()).toEqual([shipped.metrics.trainLoss.toFixed(3), shipped.metrics.valLoss.toFixed(3)]);
    expect(await card.getByRole('progressbar').getAttribute('value')).toBe('1');
  });

  it('shows a failed run’s failure and final figures, with whole-step ticks and no moving bar', async () => {
    const { page, service } = app;
    // A run that failed after two steps, as the store keeps it (no progress row): the chart spans steps 1–2.
    const corpusId = (await app.api.corpora.list()).corpora[0]!.id;
    const config = { level: 'char', embed: 16, hidden: 32, layers: 1, cell: 'lstm', seq: 32, batch: 8, lr: 0.002, dropout: 0, budget: { steps: 2 } };
    const failed = service.store.transaction(() => {
      const row = service.store.runs.create({ kind: 'lm', name: 'Two steps', corpusId, config });
      service.store.runs.transition(row.id, 'running', { backend: 'wasm' });
      service.store.metrics.add(row.id, [
        { step: 1, split: 'train', name: 'loss', value: 4.17 },
        { step: 2, split: 'train', name: 'loss', value: 4.05 },
        { step: 2, split: 'validation', name: 'loss', value: 4.11 },
      ]);
      return service.store.runs.transition(row.id, 'failed', { error: 'the worker stopped (out of memory)' });
    });
    await page.reload();
    const training = await showPane(page, 'Training');
    await training.getByRole('button', { name: 'Two steps' }).click();
    const card = training.getByRole('region', { name: 'Two steps' });
    await card.getByText('the worker stopped (out of memory)', { exact: false }).waitFor();
    expect((await card.locator('.figures').textContent())!.replace(/\s+/g, ' ').trim()).toBe('Step 2');
    expect(await card.locator('dd').allTextContents()).toEqual(['4.050', '4.110']);
    expect(await card.getByRole('progressbar').count()).toBe(0);
    const chart = card.getByRole('figure');
    await until(() => chart.getAttribute('data-step-ticks'), (t) => Boolean(t), 'the chart to draw');
    const ticks = (await chart.getAttribute('data-step-ticks'))!.split(' ');
    expect(ticks.length).toBeGreaterThan(0);
    for (const tick of ticks) expect(tick, `tick ${tick}`).toMatch(/^\d+$/);
    expect(failed.status).toBe('failed');
  });

  it('scrolls the Training pane, never the window: the navigation rail stays in place', async () => {
    // "Two steps" is still shown, with its drawn chart: the chart's visually hidden caption (absolutely
    // positioned) used to escape the pane and make the window 185 px taller than itself.
    const { page } = app;
    await page.setViewportSize({ width: 1100, height: 600 });
    await showPane(page, 'Training');
    const scroller = pane(page, 'Training').locator('.pane-scroll');
    const box = (await scroller.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 8; i++) await page.mouse.wheel(0, 500);
    await until(() => scroller.evaluate((el: InPageElement) => (el as unknown as { scrollTop: number }).scrollTop), (top) => top > 0, 'the pane to scroll');
    const scroll = await page.evaluate(() => {
      type Box = { scrollTop: number; scrollHeight: number; clientHeight: number };
      const root = ((globalThis as unknown as InPage).document as unknown as { scrollingElement: Box }).scrollingElement;
      return { top: root.scrollTop, overflow: root.scrollHeight - root.clientHeight };
    });
    expect(scroll).toEqual({ top: 0, overflow: 0 });
    expect((await nav(page).boundingBox())!.y).toBe(0);
  });
});

