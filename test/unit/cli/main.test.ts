import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { captureIo } from '../../helpers/cli.js';

describe('longhand CLI entry', () => {
  it('prints help and exits 0', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.stdout()).toContain('Usage: longhand');
  });

  it('exits 2 on an unknown command, with a message on stderr', async () => {
    const io = captureIo();
    expect(await main(['no-such-command'], io)).toBe(2);
    expect(io.stderr()).toMatch(/unknown command 'no-such-command'/);
    expect(io.stdout()).toBe('');
  });

  it('lists the corpus command in its help', async () => {
    const io = captureIo();
    await main(['--help'], io);
    expect(io.stdout()).toMatch(/corpus/);
  });
});
