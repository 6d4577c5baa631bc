/**
 * Reading the editor the way the writer sees it: the draft's text without the ghost suggestion, the ghost, and
 * the geometry that shows whether the ghost sits at the cursor without moving anything.
 */
import type { Locator, Page } from 'playwright-core';
import type { InPage, InPageElement, Rect } from './inPage.js';

export const draftEditor = (page: Page): Locator => page.getByRole('textbox', { name: 'Draft text' });
export const ghost = (page: Page): Locator => page.locator('.cm-content .cm-ghost');

/** The document's lines as rendered, without ghost text, placeholder or widget buffers. */
export function draftText(page: Page): Promise<string> {
  return draftEditor(page).evaluate((content: InPageElement) => {
    const lines = Array.from(content.querySelectorAll('.cm-line')).map((line) => {
      const copy = line.cloneNode(true);
      for (const extra of Array.from(copy.querySelectorAll('.cm-ghost, .cm-placeholder, .cm-widgetBuffer'))) extra.remove();
      return copy.textContent ?? '';
    });
    return lines.join('\n');
  });
}

export interface GhostGeometry {
  text: string;
  opacity: number;
  ghost: Rect;
  caret: Rect;
  /** The line box holding the cursor. */
  line: Rect;
}

export function ghostGeometry(page: Page): Promise<GhostGeometry> {
  return ghost(page).evaluate((span: InPageElement) => {
    const w = globalThis as unknown as InPage;
    const rect = (el: InPageElement | null) => {
      const r = el?.getBoundingClientRect();
      return r ? { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height } : { left: 0, right: 0, top: 0, bottom: 0, width: 0, height: 0 };
    };
    return {
      text: span.textContent ?? '',
      opacity: Number(w.getComputedStyle(span).opacity),
      ghost: rect(span),
      caret: rect(w.document.querySelector('.cm-cursor-primary') ?? w.document.querySelector('.cm-cursor')),
      line: rect(span.closest('.cm-line')),
    };
  });
}

/** The height of the line box holding the cursor (the last line while typing at the end). */
export function cursorLineHeight(page: Page): Promise<number> {
  return draftEditor(page).evaluate((content: InPageElement) => {
    const lines = content.querySelectorAll('.cm-line');
    return lines[lines.length - 1]?.getBoundingClientRect().height ?? 0;
  });
}
