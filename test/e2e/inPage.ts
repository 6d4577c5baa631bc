/**
 * The few browser globals that functions run inside the page use. The root tsconfig checks test/ as Node code
 * (no DOM library), so an in-page function reaches them through `globalThis as unknown as InPage`; the cast is
 * erased, and the function Playwright sends to the page reads the real globals.
 */
export interface Rect {
  left: number;
  right: number;
  top: number;
  bottom: number;
  width: number;
  height: number;
}

export interface InPageElement {
  textContent: string | null;
  value?: unknown;
  /** A progress bar's value/max, or -1 when indeterminate. */
  position?: unknown;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): Rect;
  querySelector(selector: string): InPageElement | null;
  querySelectorAll(selector: string): ArrayLike<InPageElement>;
  cloneNode(deep: boolean): InPageElement;
  remove(): void;
  matches(selector: string): boolean;
  closest(selector: string): InPageElement | null;
}

export interface InPage {
  requestAnimationFrame(callback: () => void): number;
  setInterval(callback: () => void, ms: number): number;
  clearInterval(id: number): void;
  performance: { now(): number };
  document: InPageElement & {
    activeElement: InPageElement | null;
    documentElement: InPageElement & { dataset: Record<string, string | undefined> };
    body: InPageElement;
  };
  DataTransfer: new () => { items: { add(file: unknown): unknown } };
  File: new (parts: string[], name: string, options?: { type?: string }) => unknown;
  getComputedStyle(element: InPageElement, pseudo?: string): Record<string, string> & { getPropertyValue(name: string): string };
  /** Test-only slots the in-page recorders write to. */
  [slot: `__lh${string}`]: unknown;
}
