/**
 * A writer's first hour (issue 14), end to end in a real browser on a fresh data directory with the shipped
 * starter: import a small novel, adapt the starter model to it (the Training pane's default: start from the
 * starter, "Quick adapt", its estimate shown — cut to a few steps here), see its lineage in Models and choose
 * it for the editor, write, accept a ghost with Tab, press Tab with no ghost and keep typing (the keyboard
 * stays in the draft), then open the Summarizer (which offers to train one on the novel, with its estimate) and
 * Dialogue. Every step asserts what the page shows.
 *
 * The steps depend on each other (one browser, one server, one data directory), so they run in order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STARTER_MODEL } from '../../src/service/starter.js';
import { startApp, type E2eApp } from './app.js';
import { draftEditor, draftText, ghost, ghostGeometry } from './editorDom.js';
import type { InPage, InPageElement } from './inPage.js';
import { ROOT } from './renderer.js';
import { pane, screenshotBoth, showPane, until } from './ui.js';

const NOVEL = fs.readFileSync(path.join(ROOT, 'test/fixtures/text/time-machine-opening.txt'));
/** A few optimiser steps: the run is real fine-tuning of the starter, kept short for a test. */
const STEPS = 12;
const RUN_NAME = `Time Machine (fine-tuned ${STEPS} steps)`;

describe('a writer’s first hour', () => {
  let app: E2eApp;
  beforeAll(async () => {
    app = await startApp();
    await app.api.settings.update({ welcome: { dismissed: true } });
    // The starter models are imported (and chosen for the editor and Dialogue) shortly after the first start.
    await until(async () => (await app.api.settings.get()).models, (m) => m.editor !== null && m.dialogue !== null, 'the starter models');
    await app.page.reload();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('imports a small novel into the library', async () => {
    const library = await showPane(app.page, 'Library');
    await library.getByRole('textbox', { name: 'New corpus' }).fill('Time Machine');
    await library.getByRole('button', { name: 'Create' }).click();
    await library.getByRole('heading', { name: 'Time Machine', level: 2 }).waitFor();
    await library.getByLabel('Files to import').setInputFiles([{ name: 'time-machine.txt', mimeType: 'text/plain', buffer: NOVEL }]);
    const corpus = await until(
      async () => (await app.api.corpora.list()).corpora.find((c) => c.name === 'Time Machine'),
      (c) => (c?.documents ?? 0) === 1,
      'the import',
    );
    const results = library.getByRole('list', { name: 'Imported files' }).getByRole('listitem');
    expect((await results.allTextContents()).map((l) => l.trim())).toEqual([`time-machine.txt added — ${corpus!.words.toLocaleString('en')} words`]);
  });

  it('adapts the starter model to it: the default starting point, a quick-adapt preset and its estimate', async () => {
    const training = await showPane(app.page, 'Training');
    await training.getByRole('combobox', { name: 'Corpus', exact: true }).selectOption({ label: 'Time Machine' });
    const from = training.getByRole('combobox', { name: 'Start from' });
    expect(await from.locator('option:checked').textContent()).toBe(`The starter model (${STARTER_MODEL})`);
    const quick = training.getByRole('radio', { name: /^Quick adapt: 5 min/ });
    expect(await quick.isChecked()).toBe(true);
    expect(await quick.locator('xpath=..').textContent()).toMatch(/about 5 min on wasm/);
    expect(await training.getByRole('radio', { name: /^Small/ }).count()).toBe(0);
    expect(await training.getByText(/has only \d+ words/).count()).toBe(0);
    const estimate = training.getByText(/^This run: about /);
    await estimate.waitFor();
    expect(await estimate.textContent()).toBe('This run: about 5 min on wasm.');

    // A writer's real run would take those five minutes; a few steps show the same path.
    await training.getByRole('checkbox', { name: 'Advanced settings' }).check();
    expect(await training.getByRole('spinbutton', { name: 'Hidden size' }).count()).toBe(0);
    await training.getByRole('combobox', { name: 'Budget unit' }).selectOption('steps');
    const budget = training.getByRole('spinbutton', { name: 'Budget', exact: true });
    await budget.fill(String(STEPS));
    await budget.blur();
    await until(() => estimate.textContent(), (t) => t !== 'This run: about 5 min on wasm.', 'the estimate for the new budget');
    expect(await estimate.textContent()).toMatch(/^This run: about \d+ s on wasm \(at a typical speed; your first run here measures this machine\)\.$/);

    await screenshotBoth(app.page, 'first-hour-training');
    await training.getByRole('button', { name: 'Start training' }).click();
    await until(() => training.getByRole('status').first().textContent(), (t) => t === `Started “${RUN_NAME}”: it adapts the starter model to your writing.`, 'the run to start');
    const run = (await app.api.runs.list()).runs.find((r) => r.name === RUN_NAME)!;
    const ended = await app.waitForEvent('run.status', (e) => e.runId === run.id && (e.status === 'finished' || e.status === 'failed'), 240_000);
    expect(ended).toMatchObject({ status: 'finished' });
    const card = training.getByRole('region', { name: RUN_NAME });
    await card.getByText('Finished', { exact: true }).waitFor();
    expect(await card.getByText(`Step ${STEPS}`, { exact: false }).count()).toBeGreaterThan(0);
  }, 300_000);

  it('shows where the new model comes from and what it learnt from, and writes with it', async () => {
    const models = await showPane(app.page, 'Models');
    const row = models.getByRole('row', { name: new RegExp(`Compare ${RUN_NAME.replace(/[()]/g, '\\$&')}`) });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(1).textContent()).toBe(`${STARTER_MODEL} → ${RUN_NAME}language model · trained on Time Machine`);
    const best = (await app.api.checkpoints.list({})).checkpoints.find((c) => c.runName === RUN_NAME && c.isBest)!;
    await models.getByRole('combobox', { name: 'Editor model' }).selectOption({ label: `${RUN_NAME} · step ${best.step} · best` });
    await expect.poll(async () => (await app.api.settings.get()).models.editor).toBe(best.id);
    await screenshotBoth(app.page, 'first-hour-models', row);
  });

  it('accepts a ghost with Tab; Tab with no ghost indents, and typing goes on in the draft', async () => {
    const { page } = app;
    const editor = await showPane(page, 'Editor');
    await editor.getByRole('button', { name: 'New draft' }).click();
    await draftEditor(page).click();
    // A half-typed word: the suggestion policy completes it when the model is sure (after a finished word it may
    // rightly show nothing).
    await page.keyboard.type('The Time Traveller looked at us and went upst', { delay: 15 });
    await ghost(page).waitFor({ timeout: 20_000 });
    const shown = (await ghostGeometry(page)).text;
    expect(shown.length).toBeGreaterThan(0);
    const before = await draftText(page);
    await page.keyboard.press('Tab');
    expect(await draftText(page)).toBe(before + shown);

    // A new paragraph, indented: Tab before any ghost can appear types a tab and keeps the keyboard here.
    await page.keyboard.press('Enter');
    expect(await ghost(page).count()).toBe(0);
    await page.keyboard.press('Tab');
    const focused = await draftEditor(page).evaluate((el) => el === (globalThis as unknown as InPage).document.activeElement);
    expect(focused).toBe(true);
    await page.keyboard.type('It was late.', { delay: 15 });
    expect(await draftText(page)).toBe(`${before}${shown}\n\tIt was late.`);
  });

  it('opens the Summarizer, which says what it needs, and the Dialogue, which answers', async () => {
    const summarizer = await showPane(app.page, 'Summarizer');
    await summarizer.getByText(/^\s*No summarizer model is chosen yet\./).waitFor();
    // It offers to train one on the writer's newest corpus, with the service's estimate of that run.
    const setup = summarizer.getByRole('region', { name: 'Train a summarizer on your writing' });
    expect(await setup.getByRole('combobox', { name: 'Corpus' }).locator('option:checked').textContent()).toBe('Time Machine');
    const estimate = setup.getByText(/^Training takes /);
    await estimate.waitFor();
    expect(await estimate.textContent()).toMatch(/^Training takes about .+ on wasm/);
    expect(await setup.getByText(/^\s*Longhand pairs each section of “Time Machine” with its heading/).count()).toBe(1);
    expect(await setup.getByRole('button', { name: 'Start training' }).isEnabled()).toBe(true);
    await screenshotBoth(app.page, 'first-hour-summarizer', setup);
    // The Dialogue pane answers on first run: the starter dialogue model is installed and chosen.
    const dialogue = await showPane(app.page, 'Dialogue');
    expect(await dialogue.getByText(/No dialogue model is chosen yet/).count()).toBe(0);
    const message = dialogue.getByRole('textbox', { name: 'Message' });
    await message.fill('Where have you been all this while?');
    await message.press('Enter');
    const conversation = dialogue.getByRole('list', { name: 'Conversation' });
    const reply = await until(
      () => conversation.locator('li.model').evaluateAll((items: InPageElement[]) => (items.some((li) => li.querySelector('.typing')) ? '' : (items[0]?.querySelector('.text')?.textContent?.trim() ?? ''))),
      (text) => text !== '',
      'the starter dialogue model to reply',
    );
    expect(reply).toMatch(/\p{L}/u);
    expect(await dialogue.getByRole('alert').count()).toBe(0);
    await screenshotBoth(app.page, 'first-hour-dialogue', dialogue);
  });

  it('stays on this machine, without page errors', () => {
    expect(app.offlineViolations()).toEqual([]);
    expect(app.pageErrors).toEqual([]);
    expect(app.serviceErrors).toEqual([]);
    expect(pane(app.page, 'Editor')).toBeTruthy();
  });
});
