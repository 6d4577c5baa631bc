/**
 * The summarizer and dialogue panes end to end in a real browser, with real encoder–decoder models: a tiny
 * summarizer and a tiny dialogue model are trained from the Training pane on the pairs fixtures, chosen in
 * Models, then the Summarizer pane summarizes a text and draws its attention heatmap (which follows the pointer),
 * and the Dialogue pane chats (send, regenerate, clear). Nothing leaves 127.0.0.1.
 *
 * The steps depend on each other (one browser, one server, one data directory), so they run in order.
 */
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type E2eApp } from './app.js';
import type { InPageElement } from './inPage.js';
import { ROOT } from './renderer.js';
import { screenshotBoth, showPane, until } from './ui.js';

const FIXTURES = path.join(ROOT, 'test/fixtures/seq2seq');
const ARTICLE =
  'Harbour Lights\n\nMarguerite Okonkwo-Vale opened the old lighthouse as a bakery on Monday. The building had stood empty for twenty years. Queues formed before dawn.';
const MESSAGE = 'Shall we eat now?';

describe('summaries and dialogue with real seq2seq models', () => {
  let app: E2eApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  /** Trains a tiny encoder–decoder from the Training pane and waits for it to finish. */
  async function trainFromPane(o: { name: string; task: 'summarize' | 'dialogue'; file: string; steps: number; copy: boolean }): Promise<void> {
    const { page } = app;
    const training = await showPane(page, 'Training');
    await training.getByRole('radio', { name: /Encoder–decoder/ }).check();
    await training.getByRole('combobox', { name: 'Task' }).selectOption(o.task);
    await training.getByRole('radio', { name: 'From a pairs file' }).check();
    await training.getByRole('textbox', { name: 'Pairs file path' }).fill(path.join(FIXTURES, o.file));
    // A new model (dialogue runs would otherwise adapt the shipped dialogue starter).
    await training.getByRole('combobox', { name: 'Start from' }).selectOption({ label: 'Nothing: a new model, from scratch' });
    await training.getByRole('radio', { name: /^Small/ }).check();
    const advanced = training.getByRole('checkbox', { name: 'Advanced settings' });
    if (!(await advanced.isChecked())) await advanced.check();
    const number = (name: string) => training.getByRole('spinbutton', { name, exact: true });
    for (const [name, value] of [
      ['Embedding size', '16'],
      ['Hidden size', '16'],
      ['Layers', '1'],
      ['Batch size', '5'],
      ['Learning rate', '0.05'],
      ['Dropout', '0'],
      ['Longest source', '64'],
      ['Longest target', '24'],
    ] as const) {
      await number(name).fill(value);
    }
    const copy = training.getByRole('checkbox', { name: 'Copy mechanism' });
    if ((await copy.isChecked()) !== o.copy) await copy.setChecked(o.copy);
    await training.getByRole('combobox', { name: 'Budget unit' }).selectOption('steps');
    await number('Budget').fill(String(o.steps));
    await number('Budget').blur();
    await training.getByRole('textbox', { name: 'Run name (optional)' }).fill(o.name);
    await training.getByRole('button', { name: 'Start training' }).click();
    await until(() => training.getByRole('status').first().textContent(), (t) => t === `Started “${o.name}”.`, 'the run to start');
    const run = (await app.api.runs.list()).runs.find((r) => r.name === o.name)!;
    expect(run).toMatchObject({ kind: 'seq2seq', config: { task: o.task, hidden: 16, copy: o.copy, pairs: { kind: 'file' } } });
    const done = await app.waitForEvent('run.status', (e) => e.runId === run.id && (e.status === 'finished' || e.status === 'failed'));
    expect(done).toMatchObject({ status: 'finished' });
    await training.getByRole('region', { name: o.name }).getByText('Finished', { exact: true }).waitFor();
  }

  /** Chooses the run's best checkpoint for a pane in Models. */
  async function choose(label: 'Summarizer model' | 'Dialogue model', runName: string, pick: 'summarizer' | 'dialogue'): Promise<void> {
    const models = await showPane(app.page, 'Models');
    const select = models.getByRole('combobox', { name: label });
    const option = select.getByRole('option').filter({ hasText: runName });
    await option.first().waitFor({ state: 'attached' });
    await select.selectOption(await option.first().getAttribute('value'));
    const run = (await app.api.runs.list()).runs.find((r) => r.name === runName)!;
    const best = (await app.api.checkpoints.list({ runId: run.id })).checkpoints.find((c) => c.isBest)!;
    await expect.poll(async () => (await app.api.settings.get()).models[pick]).toBe(best.id);
  }

  it('trains a tiny summarizer from the Training pane and chooses it in Models', async () => {
    await trainFromPane({ name: 'Lead summarizer', task: 'summarize', file: 'summaries.jsonl', steps: 40, copy: true });
    await choose('Summarizer model', 'Lead summarizer', 'summarizer');
  });

  it('summarizes a text and draws an attention heatmap that follows the pointer', async () => {
    const { page } = app;
    const summarizer = await showPane(page, 'Summarizer');
    expect(await summarizer.getByText('No summarizer model is chosen yet.', { exact: false }).count()).toBe(0);
    await summarizer.getByRole('textbox', { name: 'Text to summarize' }).fill(ARTICLE);
    await summarizer.getByRole('spinbutton', { name: 'Beam size' }).fill('3');
    await summarizer.getByRole('spinbutton', { name: 'Minimum length' }).fill('4');
    await summarizer.getByRole('spinbutton', { name: 'Maximum length' }).fill('16');
    await summarizer.getByRole('button', { name: 'Summarize' }).click();

    const result = summarizer.getByRole('region', { name: 'Summary' });
    await result.waitFor();
    const summary = ((await result.locator('p.summary').textContent()) ?? '').trim();
    expect(summary.length).toBeGreaterThan(0);
    const tokens = summarizer.getByRole('group', { name: 'Summary tokens' }).getByRole('button');
    const rows = await tokens.count();
    expect(rows).toBeGreaterThanOrEqual(4);
    expect(rows).toBeLessThanOrEqual(16);
    const sources = summarizer.getByLabel('Source tokens').locator('span');
    const columns = await sources.count();
    expect(await sources.allTextContents()).toEqual(expect.arrayContaining(['Harbour', 'Lights', 'lighthouse', 'bakery']));
    const heatmap = summarizer.getByRole('img', { name: `Attention heatmap: ${rows} summary tokens by ${columns} source tokens` });
    expect(await heatmap.locator('rect.cell').count()).toBe(rows * columns);
    // Each row's weights are a distribution over the source tokens.
    const sums = await heatmap.evaluate((svg: InPageElement) => {
      const out: number[] = [];
      for (const cell of Array.from(svg.querySelectorAll('rect.cell'))) {
        const row = Number(cell.getAttribute('data-row'));
        out[row] = (out[row] ?? 0) + Number(cell.getAttribute('data-weight'));
      }
      return out;
    });
    expect(sums).toHaveLength(rows);
    for (const sum of sums) expect(sum).toBeCloseTo(1, 1);
    // Shades are relative to the largest weight, so the strongest cell is fully dark however flat the attention.
    const alphas = await heatmap.locator('rect.cell').evaluateAll((cells: InPageElement[]) =>
      cells.map((cell) => Number(/,\s*([\d.]+)\)$/.exec(cell.getAttribute('fill') ?? '')?.[1] ?? NaN)),
    );
    expect(Math.max(...alphas)).toBe(1);

    // Pointing at a summary token highlights its row and the source tokens it drew on.
    const readout = summarizer.locator('p.readout');
    expect(((await readout.textContent()) ?? '').trim()).toBe('');
    await tokens.first().hover();
    expect(await tokens.first().getAttribute('aria-pressed')).toBe('true');
    const first = await tokens.first().textContent();
    expect(await readout.textContent()).toContain(`“${first}” drew most on`);
    expect(await heatmap.locator('rect.row-outline').getAttribute('y')).toBe('0');
    expect(await shadedSources(sources)).toBeGreaterThan(0);
    await screenshotBoth(page, 'summarizer', result);

    // Moving over the grid follows the row under the pointer; leaving it clears the highlight.
    const last = rows - 1;
    await heatmap.locator(`rect.cell[data-row="${last}"][data-col="0"]`).hover();
    expect(await tokens.nth(last).getAttribute('aria-pressed')).toBe('true');
    expect(await heatmap.locator('rect.row-outline').getAttribute('y')).toBe(String(last * 14));
    await summarizer.getByRole('heading', { name: 'Summarizer', level: 1 }).hover();
    await until(() => heatmap.locator('rect.row-outline').count(), (n) => n === 0, 'the highlight to clear');
    expect(await shadedSources(sources)).toBe(0);
  });

  it('trains a tiny dialogue model and chats with it: send, regenerate, clear', async () => {
    const { page } = app;
    await trainFromPane({ name: 'Small talk', task: 'dialogue', file: 'dialogue.tsv', steps: 60, copy: false });
    await choose('Dialogue model', 'Small talk', 'dialogue');

    const dialogue = await showPane(page, 'Dialogue');
    const conversation = dialogue.getByRole('list', { name: 'Conversation' });
    const messages = conversation.getByRole('listitem');
    const message = dialogue.getByRole('textbox', { name: 'Message' });
    const regenerate = dialogue.getByRole('button', { name: 'Regenerate last reply' });
    expect(await regenerate.isDisabled()).toBe(true);

    await message.fill(MESSAGE);
    await message.press('Enter');
    await until(() => replies(conversation), (r) => r.length === 1, 'the first reply');
    expect(await messages.first().textContent()).toContain(MESSAGE);
    expect(await message.inputValue()).toBe('');
    expect(await dialogue.getByRole('alert').count()).toBe(0);

    // Regenerate replaces the last reply with a new one (the conversation keeps one exchange).
    await until(() => regenerate.isEnabled(), (v) => v, 'regenerate to be enabled');
    await conversation.locator('li.model').evaluate((li: InPageElement & { dataset: Record<string, string> }) => void (li.dataset.old = 'yes'));
    await regenerate.click();
    await until(() => conversation.locator('li.model[data-old]').count(), (n) => n === 0, 'the old reply to go');
    await until(() => replies(conversation), (r) => r.length === 1, 'the regenerated reply');
    expect(await messages.count()).toBe(2);
    expect(await messages.first().textContent()).toContain(MESSAGE);

    // A second message at temperature 0 (beam search): the reply is the model's most likely one.
    await dialogue.getByRole('slider').fill('0');
    await message.fill('Who left the door open?');
    await dialogue.getByRole('button', { name: 'Send' }).click();
    await until(() => replies(conversation), (r) => r.length === 2, 'the second reply');
    const texts = await replies(conversation);
    expect(texts[1]!.length).toBeGreaterThan(0);
    const direct = await app.api.generate.reply({ message: 'Who left the door open?', temperature: 0 });
    expect(texts[1]).toBe(direct.reply);
    await screenshotBoth(page, 'dialogue');

    await dialogue.getByRole('button', { name: 'Clear conversation' }).click();
    await until(() => messages.allTextContents(), (t) => t.length === 1 && t[0]!.includes('Say something to start'), 'the conversation to clear');
  });

  it('stays on this machine: no request from the page, the service or the worker left 127.0.0.1', () => {
    expect(app.traffic.requests.some((url) => url.startsWith('ws://127.0.0.1:'))).toBe(true);
    expect(app.offlineViolations()).toEqual([]);
    expect(app.pageErrors).toEqual([]);
    expect(app.serviceErrors).toEqual([]);
  });
});

/** Finished model replies in the conversation (none while one is still being written). */
async function replies(conversation: Locator): Promise<string[]> {
  return conversation.locator('li.model').evaluateAll((items: InPageElement[]) =>
    items.some((li) => li.querySelector('.typing')) ? [] : items.map((li) => li.querySelector('.text')?.textContent?.trim() ?? ''),
  );
}

/** Source tokens shaded by the highlighted row's weights. */
async function shadedSources(sources: Locator): Promise<number> {
  return sources.evaluateAll((spans: InPageElement[]) => spans.filter((s) => (s.getAttribute('style') ?? '').includes('background-color')).length);
}

