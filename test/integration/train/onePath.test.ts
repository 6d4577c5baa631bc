/**
 * One training path: the same spec trained through the CLI (`longhand train lm --corpus …`, in-process) and through
 * the app (runs.start → the service → its worker thread) stores the same config JSON and the same metric rows, and
 * writes byte-identical checkpoint weights. Both train on the cpu backend with a fixed seed and a step budget.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { type Store, openStore } from '../../../src/store/index.js';
import { captureIo } from '../../helpers/cli.js';
import { type TestService, startService, tempHome, waitForStatus } from '../service/helpers.js';

const TEXT = fs.readFileSync(fileURLToPath(new URL('../../fixtures/text/shakespeare-20k.txt', import.meta.url)), 'utf8');

/** The settings as the app gives them (every required one) and as CLI flags. */
const SETTINGS = { level: 'char', embed: 8, hidden: 16, layers: 1, cell: 'lstm', seq: 16, batch: 4, lr: 0.01, dropout: 0.1, seed: 11, budget: { steps: 12 }, evalEvery: 5, sampleEvery: 6, checkpointEvery: 4, validationFraction: 0.1, testFraction: 0 } as const;
const FLAGS = ['--level', 'char', '--embed', '8', '--hidden', '16', '--layers', '1', '--cell', 'lstm', '--seq', '16', '--batch', '4', '--lr', '0.01', '--dropout', '0.1', '--seed', '11', '--steps', '12', '--eval-every', '5', '--sample-every', '6', '--checkpoint-every', '4', '--split', '90/10/0'];

interface Recorded {
  config: Record<string, unknown>;
  metrics: unknown[];
  samples: unknown[];
  checkpoints: { step: number; isBest: boolean; isLast: boolean; weights: Buffer }[];
}

function recorded(store: Store, home: string, runId: number): Recorded {
  const run = store.runs.get(runId)!;
  return {
    config: run.config,
    // Timing is the only thing two runs may not share: throughput and the clock.
    metrics: store.metrics.list(runId).filter((m) => m.name !== 'tokens_per_s').map((m) => [m.step, m.split, m.name, m.value]),
    samples: store.samples.latest(runId, 100).map((s) => [s.step, s.text]),
    checkpoints: store.checkpoints.listByRun(runId).map((c) => ({ step: c.step, isBest: c.isBest, isLast: c.isLast, weights: fs.readFileSync(path.join(home, c.path, 'weights.bin')) })),
  };
}

describe('the CLI and the app train the same spec the same way', () => {
  let app: TestService;
  beforeAll(async () => {
    app = await startService({ workerJobsModule: undefined, home: tempHome() });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('same config JSON, same metric rows and samples, byte-identical weights', async () => {
    const { store } = app.service;
    const corpus = store.corpora.create('plays');
    store.documents.add(corpus.id, { title: 'plays', text: TEXT });
    const started = await app.service.handlers['runs.start'](
      { kind: 'lm', corpusId: corpus.id, name: 'app', config: SETTINGS },
      { requestId: 'r1', signal: new AbortController().signal, emitToken: () => undefined },
    );
    await waitForStatus(app, started.id, 'finished', 60_000);
    const viaApp = recorded(store, app.home, started.id);

    const home = tempHome();
    const io = captureIo({ LONGHAND_HOME: home, LONGHAND_BACKEND: 'cpu' });
    const cliStore = openStore(home);
    const cliCorpus = cliStore.corpora.create('plays');
    cliStore.documents.add(cliCorpus.id, { title: 'plays', text: TEXT });
    cliStore.close();
    expect(await main(['train', 'lm', '--corpus', 'plays', '--name', 'cli', ...FLAGS, '--backend', 'cpu', '--json'], io)).toBe(0);
    const reopened = openStore(home);
    try {
      const viaCli = recorded(reopened, home, 1);
      expect(viaCli.config).toEqual(viaApp.config);
      expect(viaCli.metrics).toEqual(viaApp.metrics);
      expect(viaCli.samples).toEqual(viaApp.samples);
      expect(viaCli.checkpoints.map((c) => [c.step, c.isBest, c.isLast])).toEqual(viaApp.checkpoints.map((c) => [c.step, c.isBest, c.isLast]));
      viaCli.checkpoints.forEach((c, i) => expect(c.weights.equals(viaApp.checkpoints[i]!.weights)).toBe(true));
      expect(viaApp.metrics.length).toBeGreaterThan(10);
    } finally {
      reopened.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);
});
