/**
 * Measures editor completion latency (not a test; docs/performance.md, "Generation"):
 *
 *   npx tsx test/unit/generate/completeLatency.script.ts [--backend wasm|cpu] [--hidden 256] [--embed 64] [--rounds 40]
 *
 * A char model of the standard size (embedding 64, 1 × LSTM 256, vocabulary of an English text) with random
 * weights, so every completion runs its whole token budget: the figures are per token budget, not per word.
 * Cases: priming 512 tokens cold; a keystroke then a greedy 18-token completion (≈ 3 words of English); the
 * same with n = 3 (beam 3). Prints one JSON object with medians in ms.
 */
import { parseArgs } from 'node:util';
import { suggest } from '../../../src/generate/suggest.js';
import { ModelHandle } from '../../../src/generate/handle.js';
import { LanguageModel } from '../../../src/model/languageModel.js';
import { trainTokenizer } from '../../../src/text/tokenizers/index.js';
import { useBackend } from '../../helpers/tf.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    hidden: { type: 'string', default: '256' },
    embed: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '40' },
  },
});
await useBackend(values.backend as 'wasm' | 'cpu');

const english =
  'It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness, ' +
  'it was the epoch of belief, it was the epoch of incredulity, it was the season of Light, it was the season of ' +
  'Darkness, it was the spring of hope, it was the winter of despair; we had everything before us, we had nothing ' +
  'before us. "Quick!" said Mr. Jones, 1234567890 (zany) jumps? VWXYZ-QK\n';
const tokenizer = trainTokenizer('char', english);
const model = LanguageModel.init({ vocabSize: tokenizer.vocabSize, embedDim: Number(values.embed), hiddenSize: Number(values.hidden), layers: 1, cell: 'lstm', dropout: 0 }, 1);
const handle = new ModelHandle(model, tokenizer);
const rounds = Number(values.rounds);
const document = english.repeat(6);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

// Warm-up: V8 and the wasm kernels.
for (let i = 0; i < 20; i++) await suggest(handle, { before: document.slice(0, 600 + i), n: i % 2 ? 3 : 1 });

const prime: number[] = [];
const greedy: number[] = [];
const beam: number[] = [];
for (let i = 0; i < rounds; i++) {
  prime.push(await time(async () => handle.contexts.sync(document.slice(i * 7, i * 7 + 1200))));
}
let text = document.slice(0, 1500);
for (let i = 0; i < rounds; i++) {
  text += document[1500 + i];
  greedy.push(await time(() => suggest(handle, { before: text })));
  beam.push(await time(() => suggest(handle, { before: text, n: 3 })));
}
console.log(
  JSON.stringify({
    backend: values.backend,
    config: model.config,
    rounds,
    prime_512_tokens_ms: Number(median(prime).toFixed(2)),
    keystroke_suggest_n1_ms: Number(median(greedy).toFixed(2)),
    keystroke_suggest_n3_ms: Number(median(beam).toFixed(2)),
  }),
);
handle.dispose();
