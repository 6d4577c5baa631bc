/**
 * electron-builder cannot run here (it downloads Electron), so the release configuration is checked
 * statically: electron-builder's own schema accepts it, every target the README promises is there, what it
 * packs exists, native code is unpacked from the asar archive, and the entry points the packaged app starts
 * from are the ones scripts/build-electron.mjs and vite produce.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(path.join(ROOT, 'package.json'));
const yaml = require('js-yaml') as { load(text: string): unknown };

interface Target {
  target: string;
  arch: string[];
}
interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  extraResources: { from: string; to: string }[];
  asarUnpack: string[];
  npmRebuild: boolean;
  directories: { buildResources: string };
  linux: { target: Target[]; icon: string };
  win: { target: Target[]; icon: string };
  mac: { target: Target[]; icon: string; files: string[] };
}

const config = yaml.load(fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  main: string;
  productName: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
};

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('builds AppImage and deb on Linux, NSIS on Windows and a DMG on macOS', () => {
    expect(config.linux.target.map((t) => t.target)).toEqual(['AppImage', 'deb']);
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(config.mac.target.map((t) => t.target)).toEqual(['dmg']);
    expect(config.productName).toBe(pkg.productName);
    expect(config.appId).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
  });

  it('points at icons and extra resources that exist', () => {
    for (const icon of [config.linux.icon, config.win.icon, config.mac.icon]) {
      expect(fs.existsSync(path.join(ROOT, icon)), icon).toBe(true);
    }
    expect(fs.existsSync(path.join(ROOT, config.directories.buildResources))).toBe(true);
    const starter = config.extraResources.find((r) => r.to === 'starter');
    const presets = config.extraResources.find((r) => r.to === 'presets');
    expect(starter && presets).toBeTruthy();
    expect(fs.readdirSync(path.join(ROOT, starter!.from))).toContain('tinyshakespeare.txt');
    expect(fs.readdirSync(path.join(ROOT, presets!.from)).filter((f) => f.endsWith('.json')).sort()).toEqual([
      'large.json',
      'long-adapt.json',
      'medium.json',
      'quick-adapt.json',
      'small.json',
    ]);
  });

  it('unpacks native modules and the wasm binaries from the asar archive and rebuilds them for Electron', () => {
    expect(config.npmRebuild).toBe(true);
    for (const pattern of [
      'node_modules/better-sqlite3/**',
      'node_modules/@tensorflow/tfjs-node/**',
      'node_modules/@tensorflow/tfjs-node-gpu/**',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
    ]) {
      expect(config.asarUnpack).toContain(pattern);
    }
    expect(fs.readdirSync(path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')).filter((f) => f.endsWith('.wasm'))).not.toHaveLength(0);
  });

  it('ships the CUDA package only outside macOS', () => {
    expect(config.mac.files).toContain('!node_modules/@tensorflow/tfjs-node-gpu/**');
    expect(config.linux.target.every((t) => t.arch.join() === 'x64')).toBe(true);
    expect(config.win.target.every((t) => t.arch.join() === 'x64')).toBe(true);
    expect(pkg.optionalDependencies).toHaveProperty('@tensorflow/tfjs-node-gpu');
  });

  it('packs the entry points the app starts from', () => {
    // The bundles themselves are built and run in test/integration/service/electronBundle.test.ts.
    expect(pkg.main).toBe('dist/electron/main.js');
    const build = fs.readFileSync(path.join(ROOT, 'scripts/build-electron.mjs'), 'utf8');
    for (const out of ['main.js', 'preload.cjs', 'worker.js']) expect(build).toContain(`'${out}'`);
    expect(config.files).toEqual(expect.arrayContaining(['package.json', 'dist/electron/**', 'dist/renderer/**']));
    const vite = fs.readFileSync(path.join(ROOT, 'renderer/vite.config.ts'), 'utf8');
    expect(vite).toMatch(/outDir:.*dist\/renderer|dist', 'renderer'/);
    expect(pkg.scripts.dist).toMatch(/build:renderer.*build:electron.*electron-builder/);
    // Runtime dependencies the bundles leave external must be production dependencies, or the package lacks them.
    for (const dep of ['better-sqlite3', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']) {
      expect(pkg.dependencies).toHaveProperty(dep);
    }
  });
});
