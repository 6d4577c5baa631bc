// Whether dist/renderer must be rebuilt: missing, or older than anything in its sources. Shared by
// scripts/web.mjs and the end-to-end tests (test/e2e/renderer.ts).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist', 'renderer', 'index.html');
const sources = ['renderer', 'src/contract', 'package.json'].map((p) => path.join(root, p));

function newest(file) {
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of fs.readdirSync(file)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    latest = Math.max(latest, newest(path.join(file, name)));
  }
  return latest;
}

/** @returns {boolean} */
export function rendererIsStale() {
  if (!fs.existsSync(built)) return true;
  const builtAt = fs.statSync(built).mtimeMs;
  return sources.some((s) => fs.existsSync(s) && newest(s) > builtAt);
}
