/**
 * The shell on a first start, in a real browser: every pane reached by its keyboard shortcut and screenshotted in
 * both themes, every control named for a screen reader, focus visible while tabbing, the theme following the
 * system (or the writer's choice), and Settings/About reporting the compute backend, data directory and versions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type E2eApp } from './app.js';
import type { InPage, InPageElement } from './inPage.js';
import { nav, pane, PANE_LABELS, screenshotBoth, showPane } from './ui.js';

/** Roles a writer operates: each needs a name a screen reader can say. */
const CONTROL_ROLES = new Set(['button', 'textbox', 'combobox', 'checkbox', 'radio', 'slider', 'spinbutton', 'searchbox', 'listbox', 'switch', 'link', 'menuitem', 'tab']);

const LIGHT_BG = 'rgb(251, 250, 247)';
const DARK_BG = 'rgb(25, 25, 27)';

describe('the shell', () => {
  let app: E2eApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('switches panes with Ctrl+1…7 and shows each one (screenshots in both themes)', async () => {
    const { page } = app;
    for (const [i, label] of PANE_LABELS.entries()) {
      await page.keyboard.press(`Control+${i + 1}`);
      await pane(page, label).waitFor({ state: 'visible' });
      expect(await nav(page).getByRole('button', { name: label, exact: true }).getAttribute('aria-current')).toBe('page');
      expect(await page.getByRole('region').filter({ visible: true }).first().getAttribute('aria-label')).toBe(label);
      await screenshotBoth(page, `first-run-${label.toLowerCase()}`);
    }
  });

  it('names every control in every pane', async () => {
    const { page } = app;
    const cdp = await app.context.newCDPSession(page);
    await cdp.send('Accessibility.enable');
    const unnamed: string[] = [];
    let controls = 0;
    for (const label of PANE_LABELS) {
      await showPane(page, label);
      if (label === 'Training') await pane(page, label).getByRole('checkbox', { name: 'Advanced settings' }).check();
      const { nodes } = await cdp.send('Accessibility.getFullAXTree');
      for (const node of nodes) {
        const role = String(node.role?.value ?? '');
        if (node.ignored || !CONTROL_ROLES.has(role)) continue;
        controls++;
        const name = String(node.name?.value ?? '').trim();
        if (!name) unnamed.push(`${label}: ${role} (backend node ${node.backendDOMNodeId})`);
      }
    }
    await cdp.detach();
    expect(controls).toBeGreaterThan(60);
    expect(unnamed).toEqual([]);
  });

  it('shows where keyboard focus is while tabbing through a pane', async () => {
    const { page } = app;
    await showPane(page, 'Training');
    await nav(page).getByRole('button', { name: 'Training', exact: true }).focus();
    const unseen: string[] = [];
    const focused = new Set<string>();
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => {
        const w = globalThis as unknown as InPage;
        const el = w.document.activeElement;
        if (!el || el === w.document.body) return null;
        const style = w.getComputedStyle(el);
        const ring = style.getPropertyValue('outline-style') !== 'none' && parseFloat(style.getPropertyValue('outline-width')) >= 1;
        const shadow = style.getPropertyValue('box-shadow') !== 'none';
        const describe = `${el.getAttribute('type') ?? ''} ${el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30) ?? ''}`.trim();
        return { ring: ring || shadow, describe, visible: el.matches(':focus-visible') };
      });
      if (!focus) continue;
      focused.add(focus.describe);
      if (!(focus.visible && focus.ring)) unseen.push(focus.describe);
    }
    expect(focused.size).toBeGreaterThan(12);
    expect(unseen).toEqual([]);
  });

  it('follows the system theme, or the one chosen in Settings', async () => {
    const { page } = app;
    const background = () => page.locator('body').evaluate((body: InPageElement) => (globalThis as unknown as InPage).getComputedStyle(body).backgroundColor);
    const settings = await showPane(page, 'Settings');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe(DARK_BG);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background()).toBe(LIGHT_BG);

    await settings.getByRole('radio', { name: 'Dark' }).check();
    await expect.poll(background).toBe(DARK_BG);
    await expect.poll(async () => (await app.api.settings.get()).theme).toBe('dark');
    await page.emulateMedia({ colorScheme: 'dark' });
    await settings.getByRole('radio', { name: 'Light' }).check();
    await expect.poll(background).toBe(LIGHT_BG);
    await settings.getByRole('radio', { name: 'Follow the system' }).check();
    await expect.poll(background).toBe(DARK_BG);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background()).toBe(LIGHT_BG);
  });

  it('reports the compute backend and why better ones are not used, the data directory and versions', async () => {
    const { page } = app;
    const settings = await showPane(page, 'Settings');
    const report = await app.api.system.report();
    const backend = settings.getByRole('region', { name: 'Compute backend' });
    await backend.getByText(`Training and generation run on ${report.backend.chosen}.`).waitFor();
    const rows = await backend.getByRole('row').evaluateAll((trs: InPageElement[]) =>
      trs.slice(1).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent?.trim() ?? '')),
    );
    expect(rows.map((r) => r[0])).toEqual(report.backend.candidates.map((c) => c.name));
    const chosenAt = rows.findIndex((r) => r[0] === report.backend.chosen);
    expect(chosenAt).toBeGreaterThan(0);
    expect(rows[chosenAt]![1]).toBe('yes');
    // A better backend either failed here ("no") or was not tried (the e2e app forces one): said as such.
    for (const [i, better] of rows.slice(0, chosenAt).entries()) {
      const status = report.backend.candidates[i]!.status;
      expect(better[1]).toBe(status === 'untried' ? 'not tried' : 'no');
      expect(better[2]?.length).toBeGreaterThan(5);
    }

    const about = settings.getByRole('region', { name: 'About' });
    const facts = Object.fromEntries(
      await about.locator('dt').evaluateAll((dts: InPageElement[]) =>
        dts.map((dt) => [dt.textContent?.trim(), (dt as unknown as { nextElementSibling: InPageElement }).nextElementSibling.textContent?.trim()]),
      ),
    ) as Record<string, string>;
    expect(facts['Data directory']).toBe(app.home);
    expect(facts['Running as']).toBe('browser page served by the local service');
    expect(facts).toMatchObject({ Longhand: report.versions.longhand, 'Node.js': process.versions.node, 'TensorFlow.js': report.versions.tfjs });
    await screenshotBoth(page, 'settings-about', about);
  });

  it('stays on this machine and logs no errors', () => {
    expect(app.offlineViolations()).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });
});

