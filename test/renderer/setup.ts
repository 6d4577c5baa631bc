import '@testing-library/jest-dom/vitest';
// Unmounts rendered components after each test (vitest runs without globals here).
import '@testing-library/svelte/vitest';

// jsdom does no layout. CodeMirror measures text ranges after each update; give it empty geometry instead of
// an exception. (Written without DOM type names: the root tsconfig, which has no DOM lib, also checks test/.)
const emptyRect = { x: 0, y: 0, width: 0, height: 0, top: 0, left: 0, right: 0, bottom: 0, toJSON: () => ({}) };
const range = (globalThis as unknown as { Range?: { prototype: Record<string, unknown> } }).Range;
if (range && typeof range.prototype.getClientRects !== 'function') {
  range.prototype.getClientRects = () => Object.assign([], { item: () => null });
  range.prototype.getBoundingClientRect = () => emptyRect;
}
