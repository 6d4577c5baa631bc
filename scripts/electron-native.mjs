#!/usr/bin/env node
// Builds better-sqlite3 for the installed Electron's ABI into dist/native/electron/better_sqlite3.node, leaving
// node_modules (built for Node: tests, the CLI and browser mode use it) untouched. The Electron main process
// loads the copy through better-sqlite3's `nativeBinding` option (electron/native.ts).
//
// How: copy node_modules/better-sqlite3 into a scratch app (dist/native/electron/build-app), then in that copy try
//   1. prebuild-install --runtime electron --target <electron version>  (downloads a prebuilt binary), else
//   2. @electron/rebuild's rebuild() (compiles against Electron's headers, which it downloads),
// and copy build/Release/better_sqlite3.node out. Both need network access once; offline the script says so
// and exits 1 (`npm start` stops there). Up to date when the output is newer than better-sqlite3 and Electron.
//   --dry-run   print what would be done
//   --force     rebuild even if up to date
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const args = new Set(process.argv.slice(2));

const electronVersion = JSON.parse(fs.readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const sqliteDir = path.dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = JSON.parse(fs.readFileSync(path.join(sqliteDir, 'package.json'), 'utf8')).version;
const outDir = path.join(root, 'dist', 'native', 'electron');
const outFile = path.join(outDir, 'better_sqlite3.node');
const stamp = path.join(outDir, 'built-for.json');
const want = { electron: electronVersion, betterSqlite3: sqliteVersion, platform: process.platform, arch: process.arch };

function upToDate() {
  try {
    return fs.existsSync(outFile) && JSON.stringify(JSON.parse(fs.readFileSync(stamp, 'utf8'))) === JSON.stringify(want);
  } catch {
    return false;
  }
}

console.log(`better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${process.platform}-${process.arch}) → ${path.relative(root, outFile)}`);
if (args.has('--dry-run')) {
  console.log(upToDate() ? 'up to date' : 'would build (needs network access once)');
  process.exit(0);
}
if (upToDate() && !args.has('--force')) {
  console.log('up to date');
  process.exit(0);
}

const app = path.join(outDir, 'build-app');
const work = path.join(app, 'node_modules', 'better-sqlite3');
fs.rmSync(app, { recursive: true, force: true });
fs.mkdirSync(path.dirname(work), { recursive: true });
fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'longhand-native-build', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }));
fs.cpSync(sqliteDir, work, { recursive: true, filter: (src) => !src.startsWith(path.join(sqliteDir, 'build')) });

const attempts = [
  ['prebuild-install', () =>
    execFileSync(process.execPath, [require.resolve('prebuild-install/bin.js'), '--runtime', 'electron', '--target', electronVersion, '--arch', process.arch, '--verbose'], { cwd: work, stdio: 'inherit' })],
  ['@electron/rebuild', async () => {
    const { rebuild } = await import('@electron/rebuild');
    await rebuild({ buildPath: app, electronVersion, arch: process.arch, onlyModules: ['better-sqlite3'], force: true });
  }],
];

let built = null;
for (const [name, run] of attempts) {
  try {
    await run();
    const file = path.join(work, 'build', 'Release', 'better_sqlite3.node');
    if (fs.existsSync(file)) {
      built = file;
      console.log(`built with ${name}`);
      break;
    }
  } catch (error) {
    console.error(`${name} failed: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
  }
}
if (!built) {
  fs.rmSync(app, { recursive: true, force: true });
  console.error('Could not build better-sqlite3 for Electron. It needs network access once (Electron headers or a prebuilt binary); run `npm run native:electron` when online.');
  process.exit(1);
}
fs.copyFileSync(built, outFile);
fs.writeFileSync(stamp, `${JSON.stringify(want)}\n`);
fs.rmSync(app, { recursive: true, force: true });
console.log(`wrote ${path.relative(root, outFile)}`);
