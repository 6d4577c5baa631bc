/**
 * Child process for killed.test.ts: trains run <runId> of <dataDir> on the cpu backend on [threads] threads
 * (default 1) through one of the two
 * entry points — `cli` (trainRun in this process, as `longhand train` does) or `app` (the service with its real
 * worker thread, as the desktop app does) — printing "saved <step>" each time a checkpoint is recorded and
 * "finished" at the end, so the parent can SIGKILL it at any of those moments.
 */
import { tf } from '../../../src/compute/tf.js';
import { createService } from '../../../src/service/index.js';
import { openStore } from '../../../src/store/index.js';
import { trainRun } from '../../../src/train/trainRun.js';

const [entry, dataDir, runIdText, threadsText = '1'] = process.argv.slice(2) as ['cli' | 'app', string, string, string?];
const runId = Number(runIdText);
const threads = Number(threadsText);
const say = (line: string) => void process.stdout.write(`${line}\n`);

if (entry === 'cli') {
  await tf.setBackend('cpu');
  const store = openStore(dataDir);
  const resume = store.runs.get(runId)!.status !== 'queued';
  const result = await trainRun(store, runId, { resume, threads, onEvent: (e) => e.type === 'checkpoint' && say(`saved ${e.checkpoint.step}`) });
  store.close();
  say(result.status);
} else {
  const service = createService({ dataDir, mode: 'cli', workerEnv: { LONGHAND_BACKEND: 'cpu', LONGHAND_THREADS: threadsText }, starterDir: null, log: () => undefined });
  const done = new Promise<void>((resolve) =>
    service.events.subscribe((e) => {
      if (e.name === 'run.checkpoint' && e.payload.runId === runId) say(`saved ${e.payload.step}`);
      if (e.name === 'run.status' && e.payload.runId === runId && e.payload.status === 'finished') resolve();
    }),
  );
  await service.boot();
  // A run the killed app left running is interrupted now; resuming queues it again, and it starts.
  if (service.store.runs.get(runId)!.status === 'interrupted') service.training.resume(runId);
  await done;
  await service.shutdown();
  say('finished');
}
