import { afterAll, beforeAll, describe, it } from 'vitest';
import { startApp, type E2eApp } from './app.js';
import { showPane } from './ui.js';

describe('probe', () => {
  let app: E2eApp;
  beforeAll(async () => { app = await startApp({ viewport: { width: 1100, height: 700 } }); });
  afterAll(async () => { await app?.close(); });
  it('measures', async () => {
    const { page } = app;
    await new Promise((r) => setTimeout(r, 3000));
    const measure = () => page.evaluate(() => {
      const d = (globalThis as any).document;
      const se = d.scrollingElement;
      const over: string[] = [];
      for (const e of d.querySelectorAll('body *')) { const r = e.getBoundingClientRect(); if (r.bottom > (globalThis as any).innerHeight + 2 && r.height > 0) { const cs = (globalThis as any).getComputedStyle(e); if (true) over.push(`${e.tagName}.${e.className} ${cs.position} ${r.top}-${r.bottom}`); } }
      return { doc: { sh: se.scrollHeight, ch: se.clientHeight, top: se.scrollTop, sw: se.scrollWidth, cw: se.clientWidth }, nav: d.querySelector('nav').getBoundingClientRect().top, over: over.slice(-15) };
    });
    for (const p of ['Training'] as const) {
      await showPane(page, p);
      await new Promise((r) => setTimeout(r, 800));
      await page.evaluate(() => { const e = (globalThis as any).document.querySelector('#pane-training .pane-scroll'); e.scrollTop = 1e6; });
      await new Promise((r) => setTimeout(r, 500));
      console.log(p, JSON.stringify(await measure()));
      await page.evaluate(() => (globalThis as any).document.scrollingElement.scrollTop = 0);
    }
  });
});
