/** A TypeScript child process for the tests that SIGKILL things (node --import tsx), and how to kill it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface Child {
  proc: ChildProcess;
  /** Resolves once the lines printed so far satisfy `done` (stdout stays open); rejects if the child exits first. */
  until(done: (lines: string[]) => boolean): Promise<string[]>;
}

export function startChild(script: string, args: string[]): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffer = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  proc.stderr!.on('data', (chunk: Buffer) => void (stderr += String(chunk)));
  proc.stdout!.on('data', (chunk: Buffer) => {
    buffer += String(chunk);
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
    waiters.forEach((wake) => wake());
  });
  const until = (done: (lines: string[]) => boolean) =>
    new Promise<string[]>((resolve, reject) => {
      const check = () => done(lines) && resolve([...lines]);
      proc.once('exit', (code) => reject(new Error(`child exited (${code}) after printing ${JSON.stringify(lines)}: ${stderr.slice(-2000)}`)));
      waiters.push(check);
      check();
    });
  return { proc, until };
}

export async function kill(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
}

/** Waits for the child to end by itself. */
export function exited(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}
