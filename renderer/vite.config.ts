// Builds the renderer into dist/renderer with relative asset paths, so the same files load from file:// in
// Electron and from the local server in browser mode. Everything is bundled: no remote fonts, scripts or styles,
// and the build fails if the output mentions any host outside the short list of inert ones below.
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Chromium refuses `crossorigin` module scripts loaded from file:// (no CORS there), and nothing here is
// cross-origin anyway.
const noCrossorigin = (): Plugin => ({
  name: 'longhand:no-crossorigin',
  enforce: 'post',
  transformIndexHtml: (html) => html.replace(/\s+crossorigin(?:=(?:"[^"]*"|'[^']*'))?/g, ''),
});

/** Hosts that may appear in the output because nothing is ever fetched from them. */
const INERT_HOSTS: Record<string, string> = {
  '127.0.0.1': 'the local Longhand service (browser mode WebSocket)',
  'www.w3.org': 'XML namespace names Svelte passes to createElementNS',
  'svelte.dev': 'documentation links inside Svelte runtime error messages',
  'json-schema.org': "the $schema id zod writes into JSON Schema (unused here)",
};

const offlineGuard = (): Plugin => ({
  name: 'longhand:offline-guard',
  apply: 'build',
  generateBundle(_options, bundle) {
    const problems: string[] = [];
    for (const [file, output] of Object.entries(bundle)) {
      const text = output.type === 'chunk' ? output.code : typeof output.source === 'string' ? output.source : '';
      for (const match of text.matchAll(/\b(?:https?|wss?|ftp):\/\/([^/\s"'`:)>]+)/gi)) {
        const host = match[1]!.toLowerCase();
        // A template placeholder is not a destination (zod builds `http://[${ip}]` only to parse an address).
        if (host.includes('${')) continue;
        if (!(host in INERT_HOSTS)) problems.push(`${file}: ${match[0]}`);
      }
      if (/@import\s+(?:url\()?["']?(?:https?:)?\/\//i.test(text)) problems.push(`${file}: remote @import`);
    }
    if (problems.length) this.error(`The renderer must work offline; remote references found:\n${problems.join('\n')}`);
  },
});

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [svelte(), noCrossorigin(), offlineGuard()],
  build: {
    outDir: `${import.meta.dirname}/../dist/renderer`,
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // Loaded from disk (file://) or 127.0.0.1: one ~750 kB chunk (CodeMirror with Markdown/HTML modes) is fine.
    chunkSizeWarningLimit: 1024,
  },
  server: { host: '127.0.0.1' },
});
