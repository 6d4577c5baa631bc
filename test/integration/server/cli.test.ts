/** `longhand web` as a real child process: prints its address, serves, and stops cleanly on SIGTERM. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome } from '../service/helpers.js';
import { get } from './harness.js';

const BIN = path.resolve(import.meta.dirname, '../../../bin/longhand.mjs');

describe('longhand web', () => {
  let base = '';
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    base = tempHome();
    fs.mkdirSync(path.join(base, 'renderer'));
    fs.writeFileSync(path.join(base, 'renderer', 'index.html'), '<!doctype html><title>Longhand</title>');
    env = { ...process.env, LONGHAND_HOME: path.join(base, 'home'), LONGHAND_RENDERER_DIR: path.join(base, 'renderer'), LONGHAND_BACKEND: 'cpu' };
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it('starts on 127.0.0.1, serves the renderer with the printed token, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'web', '--port', '0', '--no-open'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += String(d)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address printed: ${out} ${err}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += String(d);
        const match = /Longhand is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43})\n/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    const { port, search } = new URL(url);
    expect((await get(Number(port), `/${search}`)).status).toBe(200);
    expect((await get(Number(port), '/')).status).toBe(401);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(out).toMatch(/Stopping…\nStopped\.\n$/);
    expect(fs.existsSync(path.join(base, 'home', 'longhand.sqlite'))).toBe(true);
  });

  it('says how to build the renderer when it is missing', async () => {
    const child = spawn(process.execPath, [BIN, 'web', '--no-open'], { env: { ...env, LONGHAND_RENDERER_DIR: path.join(base, 'nothing') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += String(d)));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(err).toMatch(/the renderer is not built .*npm run web/);
  });

  it('refuses a bad port', async () => {
    const child = spawn(process.execPath, [BIN, 'web', '--port', '99999', '--no-open'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += String(d)));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(2);
    expect(err).toMatch(/port number/);
  });
});
