/**
 * Ghost-text latency in browser mode (docs/performance.md, "Ghost text"): how long after the writer's pause
 * ends a suggestion is in the editor's DOM.
 *
 *   npx tsx scripts/bench-ghost.ts [--model DIR] [--suggestions 120] [--backend wasm|cpu] [--seed 1]
 *       [--key-delay 45] [--json FILE] [--keep] [--train [--threads N]]
 *
 * --train: the same while a language model trains on the starter corpus in the same worker (the small preset,
 * batch 32, with the default thread count or --threads N): what a writer who trains while writing gets.
 *
 * Starts the service and the browser-mode server in this process on a temporary LONGHAND_HOME whose first run
 * installs the starter corpus and model (resources/starter, or a starter folder made with --model DIR: a
 * Longhand checkpoint folder, e.g. from `node bin/longhand.mjs train lm --text resources/starter/tinyshakespeare.txt
 * --minutes 2 --out DIR`), opens the built renderer in Debian's Chromium (playwright-core, headless) and types
 * passages of the starter corpus into the editor like a writer: a few words at 45 ms ± 40 % a key, a pause,
 * sometimes Tab to take the suggestion, otherwise Esc, and on.
 *
 * Measured per suggestion, in the page (performance.now(), instrumentation only: nothing the app does changes):
 *   fire      the completion debounce firing (the pause ended: a setTimeout of the completion delay runs)
 *   send      the generate.complete request leaving on the WebSocket
 *   receive   its response arriving (before the app's handler runs)
 *   dom       the ghost's <span class="cm-ghost"> inserted (MutationObserver)
 *   frame     the next animation frame after that (the frame that paints it)
 * and in the service: the generate.complete handler (request in → result out, worker hop included) and the
 * worker's own complete() (model time: context sync + beam search), through a timing jobs module.
 *
 * Prints progress on stderr, then one JSON line (p50/p90/p99 of every interval, ms) and one human line.
 * The first --warmup (default 3) suggestions are not counted (model load, first-run kernels).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BroadcastChannel } from 'node:worker_threads';
import { chromium, type Page } from 'playwright-core';
import { startWebServer } from '../src/server/index.js';
import { createService } from '../src/service/index.js';
import { ensureRendererBuilt, RENDERER_DIR, ROOT } from '../test/e2e/renderer.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
};
const flag = (name: string): boolean => argv.includes(`--${name}`);
const num = (name: string, fallback: number): number => {
  const value = Number(opt(name, String(fallback)));
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number`);
  return value;
};

const TARGET = num('suggestions', 120);
const WARMUP = num('warmup', 3);
const KEY_DELAY = num('key-delay', 45);
const SEED = num('seed', 1);
const BACKEND = opt('backend', '');
const CHROMIUM = process.env.LONGHAND_E2E_CHROMIUM ?? '/usr/bin/chromium';
const CHANNEL = 'longhand-bench-ghost';
const STARTER = path.join(ROOT, 'resources', 'starter');
const CORPUS = path.join(STARTER, 'tinyshakespeare.txt');
const log = (message: string) => process.stderr.write(`${message}\n`);

// ---------------------------------------------------------------------------------------------------------------
// Where the starter model comes from.

const hasModel = (dir: string) => fs.existsSync(path.join(dir, 'model.json'));

function findCheckpoint(dir: string): string | null {
  if (hasModel(dir)) return dir;
  // A training --out folder may hold step folders: take the best or the last one written.
  const entries = fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()) : [];
  const candidates = entries.map((e) => path.join(dir, e.name)).filter(hasModel);
  candidates.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return candidates[0] ?? null;
}

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-bench-ghost-'));
const home = path.join(base, 'home');
let starterDir = STARTER;
const modelArg = opt('model', '');
let modelSource = path.join(STARTER, 'model');
if (modelArg) {
  const checkpoint = findCheckpoint(path.resolve(modelArg));
  if (!checkpoint) throw new Error(`${modelArg} holds no Longhand checkpoint (no model.json)`);
  modelSource = checkpoint;
  // A starter folder like resources/starter, so the app installs it exactly as on a real first run.
  starterDir = path.join(base, 'starter');
  fs.mkdirSync(starterDir);
  fs.symlinkSync(CORPUS, path.join(starterDir, 'tinyshakespeare.txt'));
  fs.cpSync(checkpoint, path.join(starterDir, 'model'), { recursive: true });
} else if (!hasModel(modelSource)) {
  throw new Error(
    'resources/starter/model is not there yet: train one with `node bin/longhand.mjs train lm --text ' +
      'resources/starter/tinyshakespeare.txt --minutes 2 --out /tmp/ghost-model` and pass --model /tmp/ghost-model',
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The worker's jobs, unchanged, timed: every complete() posts its duration on a BroadcastChannel.

const lmJobsUrl = pathToFileURL(path.join(ROOT, 'src', 'worker', 'lmJobs.ts')).href;
const jobsSource = `
import { BroadcastChannel } from 'node:worker_threads';
import { lmJobs } from ${JSON.stringify(lmJobsUrl)};
const channel = new BroadcastChannel(${JSON.stringify(CHANNEL)});
channel.unref();
export const jobs = {
  complete: async (model, request, context) => {
    const started = performance.now();
    const result = await lmJobs.complete(model, request, context);
    const ended = performance.now();
    channel.postMessage({ ms: ended - started, start: performance.timeOrigin + started, end: performance.timeOrigin + ended, chars: request.text.length, n: result.alternatives.length });
    return result;
  },
};
`;
const jobsModule = `data:text/javascript,${encodeURIComponent(jobsSource)}`;
const workerTimes: { ms: number; start: number; end: number; chars: number; n: number }[] = [];
const channel = new BroadcastChannel(CHANNEL);
channel.onmessage = (event) => workerTimes.push((event as MessageEvent).data as (typeof workerTimes)[number]);

// ---------------------------------------------------------------------------------------------------------------
// The page's instrumentation (a plain string: nothing of this module's compiled output leaks into the page).

const instrument = (delayMs: number) => `(() => {
  const bench = { keys: [], fires: [], sends: [], ghosts: [] };
  const byId = new Map();
  window.__lhBench = bench;
  const now = () => performance.now();
  // The completion debounce: the one setTimeout with the completion delay (autosave waits 800 ms).
  const setTimeoutNative = window.setTimeout;
  window.setTimeout = function (fn, ms, ...rest) {
    if (ms === ${delayMs} && typeof fn === 'function') {
      const timed = function (...args) { bench.fires.push(now()); return fn.apply(this, args); };
      return setTimeoutNative.call(window, timed, ms, ...rest);
    }
    return setTimeoutNative.call(window, fn, ms, ...rest);
  };
  // Requests out and responses in; the listener is added before the app sets onmessage, so it runs first.
  const Native = window.WebSocket;
  class TimedSocket extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        const t = now();
        if (typeof event.data !== 'string' || !event.data.includes('"response"')) return;
        try {
          const message = JSON.parse(event.data);
          const entry = byId.get(message.id);
          if (entry) {
            entry.receive = t;
            entry.alternatives = message.output ? message.output.alternatives.length : -1;
          }
        } catch {}
      });
    }
    send(data) {
      const t = now();
      if (typeof data === 'string' && data.includes('generate.complete') || typeof data === 'string' && data.includes('"cancel"')) {
        try {
          const message = JSON.parse(data);
          if (message.type === 'request' && message.method === 'generate.complete') {
            const entry = { id: message.id, send: t, fire: bench.fires.length ? bench.fires[bench.fires.length - 1] : null,
              chars: message.input.text.length, receive: null, dom: null, frame: null, text: null, cancelled: false, alternatives: null };
            byId.set(message.id, entry);
            bench.sends.push(entry);
          } else if (message.type === 'cancel' && byId.has(message.id)) {
            byId.get(message.id).cancelled = true;
          }
        } catch {}
      }
      return super.send(data);
    }
  }
  window.WebSocket = TimedSocket;
  document.addEventListener('keydown', () => bench.keys.push(now()), true);
  // The ghost in the DOM: the first one inserted after the latest response.
  const ghostIn = (node) => node.nodeType === 1 && (node.classList.contains('cm-ghost') ? node : node.querySelector('.cm-ghost'));
  new MutationObserver((records) => {
    const t = now();
    let ghost = null;
    for (const record of records) for (const node of record.addedNodes) ghost = ghost || ghostIn(node);
    if (!ghost) return;
    const last = bench.sends[bench.sends.length - 1];
    if (!last || last.receive === null || last.dom !== null) return;
    last.dom = t;
    last.text = ghost.textContent;
    requestAnimationFrame(() => { last.frame = now(); });
  }).observe(document, { subtree: true, childList: true });
})();`;

interface Sample {
  id: string;
  fire: number | null;
  send: number;
  receive: number | null;
  dom: number | null;
  frame: number | null;
  chars: number;
  text: string | null;
  cancelled: boolean;
  alternatives: number | null;
}

// ---------------------------------------------------------------------------------------------------------------
// A writer: passages of the corpus, a few words at a time.

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}
const random = rng(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Speeches of at least 200 characters, as prose lines (the editor gets one paragraph per speech). */
const passages = fs
  .readFileSync(CORPUS, 'utf8')
  .split(/\n\s*\n/)
  .map((block) => block.split('\n').slice(1).join(' ').replace(/\s+/g, ' ').trim())
  .filter((text) => text.length >= 200);

async function typeWords(page: Page, words: string): Promise<void> {
  for (const ch of words) {
    await page.keyboard.type(ch);
    await new Promise((resolve) => setTimeout(resolve, KEY_DELAY * (0.6 + 0.8 * random())));
  }
}

const samples = (page: Page) => page.evaluate(() => (window as unknown as { __lhBench: { sends: Sample[] } }).__lhBench.sends);

/** After the writer stops: the request that pause sent, settled (ghost shown, empty, or cancelled), or null. */
async function waitForPause(page: Page, sentBefore: number, delayMs: number): Promise<Sample | null> {
  const deadline = Date.now() + delayMs + 5000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const state = await page.evaluate((n) => {
      const { sends } = (window as unknown as { __lhBench: { sends: Sample[] } }).__lhBench;
      const last = sends.length > n ? sends[sends.length - 1]! : null;
      return { last, idle: performance.now() };
    }, sentBefore);
    const { last } = state;
    if (!last) {
      if (Date.now() > deadline - 5000 + 600) return null; // no request: a ghost survived type-through
      continue;
    }
    if (last.cancelled) return last;
    if (last.receive !== null && (last.frame !== null || (last.dom === null && state.idle - last.receive > 200))) return last;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------

const quantile = (values: number[], q: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
};
const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
const stats = (values: number[]) => ({
  count: values.length,
  p50: round(quantile(values, 0.5)),
  p90: round(quantile(values, 0.9)),
  p99: round(quantile(values, 0.99)),
  max: round(values.length ? Math.max(...values) : null),
});

async function main(): Promise<void> {
  await ensureRendererBuilt();
  const serviceLog: string[] = [];
  const service = createService({
    dataDir: home,
    mode: 'browser',
    starterDir,
    workerJobsModule: jobsModule,
    workerEnv: {
      ...process.env,
      ...(BACKEND ? { LONGHAND_BACKEND: BACKEND } : {}),
      ...(opt('threads', '') ? { LONGHAND_THREADS: opt('threads', '') } : {}),
    },
    log: (level, message) => {
      if (level !== 'info') serviceLog.push(`${level}: ${message}`);
    },
  });
  await service.boot();
  await service.worker.ready();

  // The service's side: the generate.complete handler, timed (the server looks handlers up per request).
  const serverTimes: { ms: number; start: number; end: number; chars: number; ok: boolean }[] = [];
  const handlers = service.handlers;
  const completeHandler = handlers['generate.complete'];
  handlers['generate.complete'] = async (input, context) => {
    const started = performance.now();
    let ok = false;
    try {
      const result = await completeHandler(input, context);
      ok = true;
      return result;
    } finally {
      const ended = performance.now();
      serverTimes.push({ ms: ended - started, start: performance.timeOrigin + started, end: performance.timeOrigin + ended, chars: input.text.length, ok });
    }
  };

  const server = await startWebServer({ service, rendererDir: RENDERER_DIR, port: 0 });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    // The starter model is installed shortly after boot (the worker loads it to check it).
    const waitUntil = Date.now() + 120_000;
    while (service.handlers['settings.get'] && (await service.handlers['settings.get']({}, null as never)).models.editor === null) {
      if (Date.now() > waitUntil) throw new Error(`the starter model was not installed: ${serviceLog.join('; ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const settings = await service.handlers['settings.get']({}, null as never);
    const delayMs = settings.completion.delayMs;
    const report = await service.handlers['system.report']({}, null as never);

    // --train: a run on the starter corpus trains in the worker while the writer types.
    const trainingStep = (runId: number) => Number(service.store.runs.progress(runId)?.['step'] ?? 0);
    let training: { runId: number; stepAtStart: number } | null = null;
    if (flag('train')) {
      const corpus = (await service.handlers['corpora.list']({}, null as never)).corpora[0];
      if (!corpus) throw new Error('no starter corpus to train on');
      const run = await service.handlers['runs.start']({ kind: 'lm', corpusId: corpus.id, preset: 'small', config: { batch: 32, budget: { minutes: 60 } } }, null as never);
      const started = Date.now();
      while (trainingStep(run.id) < 3) {
        if (Date.now() - started > 120_000) throw new Error(`the run did not start training: ${serviceLog.join('; ')}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      training = { runId: run.id, stepAtStart: trainingStep(run.id) };
      log(`training run ${run.id} (small preset, batch 32, ${report.training?.threads ?? '?'} threads) is at step ${training.stepAtStart}`);
    }

    const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.addInitScript(instrument(delayMs));
    await page.goto(server.url);
    const editor = page.getByRole('textbox', { name: 'Draft text' });
    await editor.waitFor();
    await editor.click();

    log(`backend ${report.backend.chosen}, delay ${delayMs} ms, model ${modelSource}; typing until ${TARGET} suggestions…`);
    const counted: Sample[] = [];
    let pauses = 0;
    let empty = 0;
    let cancelled = 0;
    let noRequest = 0;
    let warm = 0;
    let [serverFrom, workerFrom] = [0, 0];
    while (counted.length < TARGET) {
      // A new paragraph from a random speech, typed a few words at a time.
      const words = pick(passages).split(' ');
      let at = Math.floor(random() * Math.max(1, words.length - 30));
      await page.keyboard.press('End');
      await page.keyboard.press('Control+End');
      await page.keyboard.press('Enter');
      const stopAt = Math.min(words.length, at + 12 + Math.floor(random() * 20));
      while (at < stopAt && counted.length < TARGET) {
        const take = 1 + Math.floor(random() * 4);
        const chunk = words.slice(at, at + take).join(' ') + (random() < 0.75 ? ' ' : '');
        at += take;
        const sentBefore = (await samples(page)).length;
        await typeWords(page, chunk);
        pauses++;
        const sample = await waitForPause(page, sentBefore, delayMs);
        if (!sample) noRequest++;
        else if (sample.cancelled) cancelled++;
        else if (sample.dom === null) empty++;
        else if (warm < WARMUP) {
          warm++;
          // The service-side figures start here too (the first request loads the model).
          if (warm === WARMUP) [serverFrom, workerFrom] = [serverTimes.length, workerTimes.length];
        } else {
          counted.push(sample);
          if (counted.length % 20 === 0) log(`  ${counted.length} suggestions`);
        }
        // Take the suggestion now and then (the text diverges from the corpus, as a writer's would); else Esc.
        if (sample?.dom && random() < 0.2) {
          await page.keyboard.press('Tab');
          await page.keyboard.press('Escape');
        } else await page.keyboard.press('Escape');
        if (!chunk.endsWith(' ') && random() < 0.5) await page.keyboard.type(' ');
      }
    }

    const pageLatency = counted.map((s) => s.dom! - (s.fire ?? s.send));
    const paint = counted.map((s) => (s.frame ?? s.dom!) - (s.fire ?? s.send));
    const fireToSend = counted.map((s) => s.send - (s.fire ?? s.send));
    const roundTrip = counted.map((s) => s.receive! - s.send);
    const render = counted.map((s) => s.dom! - s.receive!);
    const served = serverTimes.slice(serverFrom).filter((t) => t.ok);
    const worked = workerTimes.slice(workerFrom);
    const ok = served.map((t) => t.ms);
    const model = worked.map((t) => t.ms);
    // The worker hop: service handler → worker complete() → back, matched by order and context length.
    const hopIn: number[] = [];
    const hopOut: number[] = [];
    let w = 0;
    for (const t of served) {
      while (w < worked.length && (worked[w]!.start < t.start || worked[w]!.chars !== t.chars)) w++;
      const job = worked[w];
      if (!job || job.end > t.end) continue;
      hopIn.push(job.start - t.start);
      hopOut.push(t.end - job.end);
      w++;
    }
    const words = counted.map((s) => (s.text ?? '').trim().split(/\s+/).filter(Boolean).length);
    const result = {
      bench: 'ghost-text latency, browser mode',
      backend: report.backend.chosen,
      model: modelSource,
      delayMs,
      alternatives: settings.completion.alternatives,
      maxTokens: settings.completion.maxTokens,
      suggestions: counted.length,
      pauses,
      warmup: warm,
      emptyResults: empty,
      cancelledByTyping: cancelled,
      pausesWithoutRequest: noRequest,
      wordsShown: { max: Math.max(...words), mean: round(words.reduce((a, b) => a + b, 0) / words.length) },
      contextChars: stats(counted.map((s) => s.chars)),
      ms: {
        pauseEndToGhostInDom: stats(pageLatency),
        pauseEndToNextFrame: stats(paint),
        debounceToSend: stats(fireToSend),
        requestRoundTrip: stats(roundTrip),
        responseToDom: stats(render),
        serviceHandler: stats(ok),
        workerComplete: stats(model),
        // Only the completions that showed a ghost (the DOM figures are theirs; empty answers are cheaper).
        workerCompleteShown: stats(worked.filter((t) => t.n > 0).map((t) => t.ms)),
        workerHopIn: stats(hopIn),
        workerHopOut: stats(hopOut),
      },
      training: training
        ? {
            runId: training.runId,
            threads: report.training?.threads ?? null,
            parallelism: report.training?.parallelism ?? null,
            stepsDuring: trainingStep(training.runId) - training.stepAtStart,
            tokensPerSec: service.store.runs.progress(training.runId)?.['tokensPerSec'] ?? null,
          }
        : null,
      pageErrors,
      serviceErrors: serviceLog,
    };
    const json = JSON.stringify(result);
    console.log(json);
    const outFile = opt('json', '');
    if (outFile) fs.writeFileSync(outFile, `${json}\n`);
    const m = result.ms;
    console.log(
      `ghost text (${result.backend}, ${counted.length} suggestions${result.training ? `, while training on ${result.training.threads} threads: ${result.training.stepsDuring} steps` : ''}): pause end → in DOM p50 ${m.pauseEndToGhostInDom.p50} ms, ` +
        `p90 ${m.pauseEndToGhostInDom.p90} ms, p99 ${m.pauseEndToGhostInDom.p99} ms; service alone p50 ${m.serviceHandler.p50} / ` +
        `p90 ${m.serviceHandler.p90} / p99 ${m.serviceHandler.p99} ms (model ${m.workerComplete.p50} / ${m.workerComplete.p90} / ` +
        `${m.workerComplete.p99} ms) — requirement p90 ≤ 50 ms: ${(m.pauseEndToGhostInDom.p90 ?? Infinity) <= 50 ? 'met' : 'NOT met'}`,
    );
  } finally {
    await browser.close().catch(() => undefined);
    await server.close();
    await service.shutdown();
    channel.close();
    if (!flag('keep')) fs.rmSync(base, { recursive: true, force: true });
    else log(`kept ${base}`);
  }
}

await main();
