/**
 * A writer's first session, end to end in a real browser: import their texts into the library (a binary and a
 * mis-encoded file are refused with a reason, a dropped file is added, a corpus is removed after confirming),
 * train a tiny model while watching its progress, loss chart, ETA and samples, pause/resume/cancel a second run,
 * choose the model for the editor in Models, then write with ghost-text suggestions (Tab, Esc, Ctrl+→, the
 * alternatives list), reload to find the draft autosaved, and add it to a corpus. Nothing leaves 127.0.0.1.
 *
 * The steps depend on each other (one browser, one server, one data directory), so they run in order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type E2eApp } from './app.js';
import { cursorLineHeight, draftEditor, draftText, ghost, ghostGeometry } from './editorDom.js';
import type { InPage, InPageElement } from './inPage.js';
import { ROOT } from './renderer.js';
import { pane, screenshotBoth, showPane, until } from './ui.js';

const PLAYS = fs.readFileSync(path.join(ROOT, 'test/fixtures/text/shakespeare-20k.txt'));
/** A PNG's first bytes: binary. */
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
/** "Café au lait" in Latin-1: not UTF-8. */
const LATIN1 = Buffer.from('Caf\xe9 au lait, mon ami.\n', 'latin1');
/** A tiny model that trains in seconds; 510 steps so one training sample (every 500 steps) appears. */
const TINY = { embed: '16', hidden: '32', layers: '1', seq: '32', batch: '8', steps: '510' };

/** What the page showed while a run trained: every change of the progress bar, ETA, step and chart. */
interface Trace {
  progress: number[];
  eta: string[];
  steps: string[];
  points: number[];
}

describe('a first writing session', () => {
  let app: E2eApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('imports a corpus, refuses what is not text, takes a dropped file and removes a corpus after confirming', async () => {
    const { page } = app;
    const library = await showPane(page, 'Library');
    await library.getByRole('textbox', { name: 'New corpus' }).fill('Plays');
    await library.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => library.getByRole('heading', { name: 'Plays', level: 2 }).count()).toBe(1);

    await library.getByLabel('Files to import').setInputFiles([
      { name: 'plays.txt', mimeType: 'text/plain', buffer: PLAYS },
      { name: 'scan.png', mimeType: 'image/png', buffer: PNG },
      { name: 'cafe.txt', mimeType: 'text/plain', buffer: LATIN1 },
    ]);
    const results = library.getByRole('list', { name: 'Imported files' }).getByRole('listitem');
    await until(() => library.getByRole('status').textContent(), (t) => /files? added of 3/.test(t ?? ''), 'the import to finish');
    const lines = await results.allTextContents();
    const corpus = (await app.api.corpora.list()).corpora.find((c) => c.name === 'Plays')!;
    expect(lines.map((l) => l.trim())).toEqual([
      `plays.txt added — ${corpus.words.toLocaleString('en')} words`,
      expect.stringMatching(/^scan\.png refused: looks binary \(NUL byte at offset \d+\); Longhand imports \.txt, .*\.epub$/),
      'cafe.txt refused: is not valid UTF-8 (bad byte 0xE9 at offset 3); save it as UTF-8 and import it again',
    ]);

    const stats = library.getByRole('definition');
    const statsText = Object.fromEntries(
      await library
        .getByLabel('Statistics')
        .locator('div')
        .evaluateAll((divs: InPageElement[]) => divs.map((d) => [d.querySelector('dt')?.textContent, d.querySelector('dd')?.textContent])),
    ) as Record<string, string>;
    expect(await stats.count()).toBeGreaterThanOrEqual(4);
    expect(statsText).toMatchObject({
      Documents: '1',
      Characters: corpus.characters.toLocaleString('en'),
      Words: corpus.words.toLocaleString('en'),
      'Distinct characters': String(corpus.distinctCharacters),
    });
    await screenshotBoth(page, 'library');

    // A second corpus, filled by dropping a file on the import area, then removed.
    await library.getByRole('textbox', { name: 'New corpus' }).fill('Scratch');
    await library.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => library.getByRole('heading', { name: 'Scratch', level: 2 }).count()).toBe(1);
    const dropped = await page.evaluateHandle(() => {
      const w = globalThis as unknown as InPage;
      const transfer = new w.DataTransfer();
      transfer.items.add(new w.File(['A note dropped on the library.\nIt has two lines.\n'], 'dropped.txt', { type: 'text/plain' }));
      return transfer;
    });
    const dropZone = library.getByText('Drop text files here');
    await dropZone.dispatchEvent('dragover', { dataTransfer: dropped });
    await dropZone.dispatchEvent('drop', { dataTransfer: dropped });
    await until(() => results.allTextContents(), (t) => t.some((l) => l.includes('dropped.txt added — 10 words')), 'the dropped file to be added');
    await expect.poll(() => library.getByLabel('Statistics').getByRole('definition').first().textContent()).toBe('1');

    await library.getByRole('button', { name: 'Remove corpus' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Remove “Scratch”?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dialog.count()).toBe(0);
    expect((await app.api.corpora.list()).corpora.map((c) => c.name)).toContain('Scratch');
    await library.getByRole('button', { name: 'Remove corpus' }).click();
    await dialog.getByRole('button', { name: 'Remove corpus' }).click();
    await until(() => library.getByRole('status').textContent(), (t) => t === 'Removed “Scratch”.', 'the removal');
    expect((await app.api.corpora.list()).corpora.map((c) => c.name)).not.toContain('Scratch');
    expect(await library.getByRole('button', { name: /^Scratch/ }).count()).toBe(0);
  });

  it('trains a tiny model while the progress bar, ETA, loss chart and samples update', async () => {
    const { page } = app;
    const training = await showPane(page, 'Training');
    await training.getByRole('combobox', { name: 'Corpus', exact: true }).selectOption({ label: 'Plays' });
    // A new model of its own tiny size (the starter model is the default starting point).
    await training.getByRole('combobox', { name: 'Start from' }).selectOption({ label: 'Nothing: a new model, from scratch' });
    await training.getByRole('checkbox', { name: 'Advanced settings' }).check();
    await fillTinySettings(app, TINY.steps);
    await training.getByRole('textbox', { name: 'Run name (optional)' }).fill('Tiny');

    await recordTraining(app, 'Tiny');
    await training.getByRole('button', { name: 'Start training' }).click();
    await until(() => training.getByRole('status').first().textContent(), (t) => t === 'Started “Tiny”.', 'the run to start');
    const run = (await app.api.runs.list()).runs.find((r) => r.name === 'Tiny')!;
    await app.waitForEvent('run.status', (e) => e.runId === run.id && (e.status === 'finished' || e.status === 'failed'));
    const card = training.getByRole('region', { name: 'Tiny' });
    await card.getByText('Finished', { exact: true }).waitFor();
    const trace = await stopRecording(app);

    // The bar moved forward several times and ended full; the chart grew; the ETA was re-estimated.
    expect(trace.progress.length).toBeGreaterThanOrEqual(4);
    expect(trace.progress).toEqual([...trace.progress].sort((a, b) => a - b));
    expect(trace.progress.at(-1)).toBe(1);
    expect(trace.points.length).toBeGreaterThanOrEqual(3);
    expect(trace.points).toEqual([...trace.points].sort((a, b) => a - b));
    const etas = trace.eta.filter((t) => /^about \d+ s left$|^almost done$/.test(t));
    expect(new Set(etas).size).toBeGreaterThanOrEqual(2);
    expect(trace.steps.length).toBeGreaterThanOrEqual(3);

    expect(await card.getByRole('progressbar', { name: 'Training progress' }).evaluate((p: InPageElement) => p.position)).toBe(1);
    const chart = card.getByRole('figure');
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(10);
    expect(await chart.locator('canvas').count()).toBe(1);
    expect(await chart.locator('figcaption').textContent()).toMatch(/points up to step 510; latest training loss \d+\.\d{3}, validation loss \d+\.\d{3}\./);
    const samples = card.getByRole('list', { name: 'Samples' }).getByRole('listitem');
    expect(await samples.count()).toBe(1);
    expect(await samples.first().textContent()).toMatch(/^Step 500\s*\S/);
    await screenshotBoth(page, 'training', card);
  });

  it('pauses, resumes and cancels a second run', async () => {
    const { page } = app;
    const training = pane(page, 'Training');
    await fillTinySettings(app, '20000');
    await training.getByRole('textbox', { name: 'Run name (optional)' }).fill('Second');
    await training.getByRole('button', { name: 'Start training' }).click();
    const queue = training.getByRole('region', { name: 'Queue' });
    await queue.getByRole('button', { name: 'Pause Second' }).click();
    await queue.getByRole('button', { name: 'Resume Second' }).waitFor();
    expect(await queue.getByText('Paused', { exact: true }).count()).toBe(1);
    await screenshotBoth(page, 'training-paused');
    const pausedAt = (await app.api.runs.list()).runs.find((r) => r.name === 'Second')!;
    expect(pausedAt.status).toBe('paused');

    await queue.getByRole('button', { name: 'Resume Second' }).click();
    await queue.getByRole('button', { name: 'Pause Second' }).waitFor();
    await app.waitForEvent('run.progress', (e) => e.runId === pausedAt.id && e.step > (pausedAt.progress?.step ?? 0));
    await queue.getByRole('button', { name: 'Cancel Second' }).click();
    await until(() => queue.getByRole('button', { name: 'Cancel Second' }).count(), (n) => n === 0, 'the run to leave the queue');
    await expect.poll(async () => (await app.api.runs.get({ runId: pausedAt.id })).run.status).toBe('cancelled');
    expect(await queue.getByText('Nothing queued or running.').count()).toBe(1);
  });

  it('shows the finished run with its best and last checkpoints and sets it as the editor model', async () => {
    const { page } = app;
    const models = await showPane(page, 'Models');
    // By its Compare box: "Tiny" also appears in other rows' "tiny corpus" marks.
    const row = models.getByRole('row').filter({ has: page.getByRole('checkbox', { name: 'Compare Tiny', exact: true }) });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(2).textContent()).toBe('Finished');
    // The last checkpoint is the final step's; the best is wherever validation was lowest (often the same one).
    const { checkpoints } = await app.api.checkpoints.list({ runId: (await app.api.runs.list()).runs.find((r) => r.name === 'Tiny')!.id });
    const best = checkpoints.find((c) => c.isBest)!;
    expect(checkpoints.find((c) => c.isLast)!.step).toBe(510);
    expect(checkpoints.length).toBe(best.step === 510 ? 1 : 2);
    const shown = (await row.getByRole('listitem').allTextContents()).map((t) => t.replace(/\s+\d+(\.\d+)? [KM]?B.*$/, ''));
    expect(shown.sort()).toEqual(checkpoints.map((c) => `step ${c.step}${c.isBest ? ' · best' : ''}${c.isLast ? ' · last' : ''}`).sort());
    // "Plays" (20,000 bytes of Shakespeare) is under the tiny-corpus threshold, and the picker says so.
    const plays = (await app.api.corpora.list()).corpora.find((c) => c.name === 'Plays')!;
    const mark = `tiny corpus (${plays.words.toLocaleString('en')} words)`;
    await models.getByRole('combobox', { name: 'Editor model' }).selectOption({ label: `Tiny · step ${best.step} · best · ${mark}` });
    await expect.poll(async () => (await app.api.settings.get()).models.editor).toBe(best.id);
    await screenshotBoth(page, 'models');
  });

  it('suggests ghost text after a pause, and Tab, Esc, Ctrl+→ and the alternatives list work', async () => {
    const { page } = app;
    // The shipped prose starter: the suggestion policy shows only what a model is confident of, which the tiny
    // model above rarely is.
    const starter = (await app.api.runs.list()).runs.find((r) => r.name === 'Starter prose')!;
    const starterCheckpoint = (await app.api.checkpoints.list({ runId: starter.id })).checkpoints[0]!;
    await app.api.settings.update({ models: { editor: starterCheckpoint.id } });
    const editor = await showPane(page, 'Editor');
    await editor.getByRole('button', { name: 'New draft' }).click();
    const text = draftEditor(page);
    await text.click();
    // Half-typed words, which the starter completes confidently (after a finished word it often shows nothing).
    await page.keyboard.type('It was late when Martha finally closed the do', { delay: 15 });
    const heightBefore = await cursorLineHeight(page);
    await ghost(page).waitFor({ timeout: 10_000 });
    const shown = await ghostGeometry(page);
    expect(shown.text.length).toBeGreaterThan(0);
    expect(shown.opacity).toBeLessThan(0.7);
    expect(Math.abs(shown.ghost.left - shown.caret.left)).toBeLessThanOrEqual(3);
    expect(shown.ghost.top).toBeGreaterThanOrEqual(shown.line.top - 1);
    expect(await cursorLineHeight(page)).toBe(heightBefore);
    await screenshotBoth(page, 'editor-ghost');

    // Tab inserts exactly what was shown.
    const before = await draftText(page);
    await page.keyboard.press('Tab');
    expect(await draftText(page)).toBe(before + shown.text);

    // Esc dismisses the next suggestion and leaves the text alone.
    await page.keyboard.type(' beh', { delay: 15 });
    await ghost(page).waitFor();
    const withGhost = await draftText(page);
    await page.keyboard.press('Escape');
    await ghost(page).waitFor({ state: 'detached' });
    await page.waitForTimeout(600);
    expect(await ghost(page).count()).toBe(0);
    expect(await draftText(page)).toBe(withGhost);

    // Ctrl+→ takes one word of the suggestion.
    await page.keyboard.type('ind her and went upst', { delay: 15 });
    await ghost(page).waitFor();
    const offered = (await ghostGeometry(page)).text;
    const beforeWord = await draftText(page);
    await page.keyboard.press('Control+ArrowRight');
    const word = /^\s*\S+/.exec(offered)![0];
    expect(await draftText(page)).toBe(beforeWord + word);

    // The alternatives shortcut lists the options (up to the 3 asked for), the ghost's first.
    await page.keyboard.press('Escape');
    await page.keyboard.type(' to her bedr', { delay: 15 });
    await ghost(page).waitFor();
    await page.keyboard.press('Alt+\\');
    const list = page.getByRole('listbox', { name: 'Suggestions' });
    await list.waitFor();
    const options = list.getByRole('option');
    const count = await options.count();
    expect(count).toBeGreaterThanOrEqual(2);
    expect(count).toBeLessThanOrEqual(3);
    expect(await options.first().getAttribute('aria-selected')).toBe('true');
    expect(await options.first().textContent()).toBe((await ghostGeometry(page)).text);
    await screenshotBoth(page, 'editor-alternatives');
    await page.keyboard.press('ArrowDown');
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
    const second = (await options.nth(1).textContent()) ?? '';
    const beforePick = await draftText(page);
    await page.keyboard.press('Enter');
    await list.waitFor({ state: 'detached' });
    expect(await draftText(page)).toBe(beforePick + second);
  });

  it('counts words, autosaves across a reload and adds the draft to a corpus', async () => {
    const { page } = app;
    const editor = pane(page, 'Editor');
    const written = await draftText(page);
    const words = written.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
    await editor.getByText(`${words} words`, { exact: true }).waitFor();
    await editor.getByText('Saved', { exact: true }).waitFor();
    const drafts = (await app.api.documents.list()).documents;
    expect(drafts[0]?.words).toBe(words);

    await page.reload();
    await draftEditor(page).waitFor();
    await until(() => draftText(page), (t) => t === written, 'the draft to come back after a reload');
    await editor.getByText(`${words} words`, { exact: true }).waitFor();

    expect(await editor.getByRole('combobox', { name: 'Target corpus' }).inputValue()).toBe('Drafts');
    await editor.getByRole('button', { name: 'Add to corpus' }).click();
    await until(() => editor.getByRole('status').textContent(), (t) => t === `Added to “Drafts” (${words} words).`, 'the draft to be added');
    const corpus = (await app.api.corpora.list()).corpora.find((c) => c.name === 'Drafts');
    expect(corpus?.documents).toBe(1);
    const library = await showPane(page, 'Library');
    await library.getByRole('button', { name: /^Drafts/ }).waitFor();
  });

  it('stays on this machine: no request from the page, the service or the worker left 127.0.0.1', () => {
    expect(app.traffic.requests.length).toBeGreaterThan(3);
    expect(app.traffic.requests.some((url) => url.startsWith('ws://127.0.0.1:'))).toBe(true);
    expect(app.offlineViolations()).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });
});

async function fillTinySettings(app: E2eApp, steps: string): Promise<void> {
  const training = pane(app.page, 'Training');
  const number = (name: string) => training.getByRole('spinbutton', { name, exact: true });
  await number('Embedding size').fill(TINY.embed);
  await number('Hidden size').fill(TINY.hidden);
  await number('Layers').fill(TINY.layers);
  await number('Sequence length').fill(TINY.seq);
  await number('Batch size').fill(TINY.batch);
  await training.getByRole('combobox', { name: 'Budget unit' }).selectOption('steps');
  await number('Budget').fill(steps);
  await number('Budget').blur();
}

/**
 * Samples the run card every 25 ms inside the page, keeping each new value (the run takes seconds). Only the card
 * of the run named `name` counts: until that run starts, the card shows whichever run was selected before.
 */
async function recordTraining(app: E2eApp, name: string): Promise<void> {
  await app.page.evaluate((name: string) => {
    const w = globalThis as unknown as InPage;
    const trace: Trace = { progress: [], eta: [], steps: [], points: [] };
    const keep = <T>(list: T[], value: T | null | undefined) => {
      if (value !== null && value !== undefined && list.at(-1) !== value) list.push(value);
    };
    w.__lhTrace = trace;
    w.__lhSample = () => {
      const card = w.document.querySelector('#pane-training section[aria-labelledby="run-heading"]');
      if (!card || card.querySelector('#run-heading')?.textContent !== name) return;
      // position is value/max, or -1 while the bar is indeterminate.
      const position = card.querySelector('progress')?.position as number | undefined;
      if (position !== undefined && position >= 0) keep(trace.progress, position);
      keep(trace.eta, card.querySelector('.eta')?.textContent);
      keep(trace.steps, card.querySelector('.figures')?.textContent?.match(/Step [\d,]+/)?.[0]);
      const points = card.querySelector('figure')?.getAttribute('data-points');
      if (points) keep(trace.points, Number(points));
    };
    w.__lhTimer = w.setInterval(w.__lhSample as () => void, 25);
  }, name);
}

async function stopRecording(app: E2eApp): Promise<Trace> {
  return app.page.evaluate(() => {
    const w = globalThis as unknown as InPage;
    w.clearInterval(w.__lhTimer as number);
    // What the page shows now, in case it changed after the last tick.
    (w.__lhSample as () => void)();
    return w.__lhTrace as Trace;
  });
}
