#!/usr/bin/env node
// Bundles the Electron shell with esbuild into dist/electron/ (or --outdir <dir>):
//   main.js      electron/main.ts      ESM, the main process (service, store, IPC, menu)
//   preload.cjs  electron/preload.ts   CommonJS: a sandboxed preload can only require('electron')
//   worker.js    src/worker/entry.ts   ESM, run as an Electron utilityProcess (TensorFlow.js lives here)
//   replicaEntry.js  src/train/parallel/replicaEntry.ts  ESM, a training replica thread the worker starts
//                (data-parallel training; src/train/parallel/replicaPool.ts looks for it beside worker.js)
// External, loaded from node_modules at run time: electron, better-sqlite3 (native; its Electron build is passed
// through `nativeBinding`, see scripts/electron-native.mjs) and @tensorflow/* (native and wasm parts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const args = process.argv.slice(2);
const at = args.indexOf('--outdir');
const outdir = at >= 0 && args[at + 1] ? path.resolve(args[at + 1]) : path.join(root, 'dist', 'electron');

const external = ['electron', 'better-sqlite3', '@tensorflow/*', 'bufferutil', 'utf-8-validate'];

// Bundled CommonJS dependencies call require() and read __dirname; ESM has neither, so define them.
const esmBanner = [
  "import { createRequire as __lhCreateRequire } from 'node:module';",
  "import { fileURLToPath as __lhFileURLToPath } from 'node:url';",
  "import { dirname as __lhDirname } from 'node:path';",
  'const require = __lhCreateRequire(import.meta.url);',
  'const __filename = __lhFileURLToPath(import.meta.url);',
  'const __dirname = __lhDirname(__filename);',
].join('\n');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: 'linked',
  external,
  logLevel: 'warning',
  absWorkingDir: root,
};

export async function buildElectron(dir = outdir) {
  await Promise.all([
    build({ ...common, entryPoints: ['electron/main.ts'], outfile: path.join(dir, 'main.js'), format: 'esm', banner: { js: esmBanner } }),
    build({ ...common, entryPoints: ['src/worker/entry.ts'], outfile: path.join(dir, 'worker.js'), format: 'esm', banner: { js: esmBanner } }),
    build({ ...common, entryPoints: ['src/train/parallel/replicaEntry.ts'], outfile: path.join(dir, 'replicaEntry.js'), format: 'esm', banner: { js: esmBanner } }),
    build({ ...common, entryPoints: ['electron/preload.ts'], outfile: path.join(dir, 'preload.cjs'), format: 'cjs', external: ['electron'] }),
  ]);
  return dir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = await buildElectron();
  console.log(`Electron bundles written to ${path.relative(root, dir) || dir}`);
}
