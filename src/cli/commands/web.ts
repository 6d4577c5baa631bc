/**
 * `longhand web [--port P] [--no-open]`: Longhand in the browser. Starts the service (store, worker) and the
 * browser-mode server on 127.0.0.1, prints the address with this start's access token, opens it unless told not
 * to, and runs until SIGINT/SIGTERM, then stops the server, interrupts a run in progress (resumable) and closes
 * the database. The renderer must be built (`npm run web` builds it when missing or stale).
 * LONGHAND_RENDERER_DIR serves another build (tests).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from 'commander';
import { startWebServer, type WebServer } from '../../server/index.js';
import { createService, type Service } from '../../service/index.js';
import { resolveDataDir } from '../../store/index.js';
import { CliError, type CliIo } from '../io.js';
import type { Register } from '../io.js';

export const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../../dist/renderer/', import.meta.url));

export interface WebOptions {
  port: number;
  open: boolean;
  /** Stops the server when aborted (besides SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Called once the server is listening (tests). */
  onListening?: (server: WebServer) => void;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535 (0 picks a free one)');
  return port;
}

export const registerWeb: Register = (program, io) => {
  program
    .command('web')
    .description('run Longhand in your browser (a private local server on 127.0.0.1)')
    .option('-p, --port <port>', 'port to listen on; 0 picks a free one', parsePort, 0)
    .option('--no-open', 'do not open a browser')
    .action(async (opts: { port: number; open: boolean }) => {
      await runWeb({ port: opts.port, open: opts.open }, io);
    });
};

export async function runWeb(options: WebOptions, io: CliIo): Promise<void> {
  const rendererDir = io.env.LONGHAND_RENDERER_DIR ? path.resolve(io.env.LONGHAND_RENDERER_DIR) : DEFAULT_RENDERER_DIR;
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    throw new CliError(`the renderer is not built (${rendererDir} has no index.html): run \`npm run web\`, which builds it, or \`npm run build:renderer\``);
  }
  const service: Service = createService({
    dataDir: resolveDataDir({ env: io.env }),
    mode: 'browser',
    ...(io.env.LONGHAND_BACKEND ? { workerEnv: { LONGHAND_BACKEND: io.env.LONGHAND_BACKEND } } : {}),
    log: (level, message) => {
      if (level !== 'info') io.err(`longhand: ${message}\n`);
    },
  });
  let server: WebServer | null = null;
  try {
    await service.boot();
    server = await startWebServer({
      service,
      rendererDir,
      port: options.port,
      log: (level, message) => {
        if (level !== 'info') io.err(`longhand: ${message}\n`);
      },
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') throw new CliError(`port ${options.port} is in use: choose another with --port, or 0 for any free one`);
      if (error.code === 'EACCES') throw new CliError(`port ${options.port} needs privileges: choose one above 1023`);
      throw error;
    });
    io.out(`Longhand is running at ${server.url}\n`);
    io.out('The address carries this session\'s access token: open it as it is. Press Ctrl+C to stop.\n');
    if (options.open) openBrowser(server.url);
    options.onListening?.(server);
    await untilStopped(options.signal);
    io.out('Stopping…\n');
  } finally {
    await server?.close();
    await service.shutdown();
  }
  io.out('Stopped.\n');
}

function untilStopped(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
}

/** Opens the address in the default browser; a missing opener is not an error (the address is printed). */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // The address is printed; the writer can open it.
  }
}
