import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { argmax } from '../../../src/generate/events.js';
import { Session } from '../../../src/generate/session.js';
import type { LanguageModel } from '../../../src/model/languageModel.js';
import { type Tokenizer, trainTokenizer } from '../../../src/text/tokenizers/index.js';
import { testBackends, useBackend } from '../../helpers/tf.js';
import { CORPUS, expectRowsClose, forwardLogits, randomModel, trainedCharModel } from './helpers.js';

const TOL = 1e-5;

describe.each(testBackends)('generation sessions on %s', (backend) => {
  let model: LanguageModel;
  let tokenizer: Tokenizer;
  beforeAll(async () => {
    await useBackend(backend);
    ({ model, tokenizer } = trainedCharModel());
  });
  afterAll(() => model.dispose());

  /** Checks the session's next-token logits against one `forward` over its whole window. */
  const expectMatchesForward = (session: Session, what: string) => {
    const ids = session.tokens.slice(session.tokens.length - session.fedTokens);
    expectRowsClose(session.logits, forwardLogits(model, ids).at(-1)!, TOL, what);
  };

  it('generating token by token with state equals forward over the whole sequence', () => {
    const session = new Session(model, tokenizer);
    session.prime('the cat');
    expectMatchesForward(session, 'after the prime');
    const ids = [...session.tokens];
    const expected: number[][] = [];
    for (let k = 0; k < 12; k++) {
      const next = argmax(session.logits);
      expected.push([...session.logits]);
      session.feed([next]);
      ids.push(next);
    }
    expected.push([...session.logits]);
    const rows = forwardLogits(model, ids);
    expected.forEach((row, k) => expectRowsClose(row, rows[6 + k]!, TOL, `generated token ${k}`));
    expect(session.text).toBe(tokenizer.decode(ids));
    session.dispose();
  });

  it('a long prime equals one forward; an empty prime is the output bias', () => {
    const session = new Session(model, tokenizer);
    const text = CORPUS.slice(0, 300);
    expect(session.prime(text)).toMatchObject({ mode: 'primed', fed: 300 });
    expectMatchesForward(session, 'long prime');
    session.prime('');
    expectRowsClose(session.logits, model.weights.dense.bias.dataSync(), 0);
    expect(session.tokens).toEqual([]);
    session.dispose();
  });

  it('reads only the last contextTokens tokens of a long text', () => {
    const session = new Session(model, tokenizer, { contextTokens: 40 });
    const text = CORPUS.slice(0, 500);
    session.prime(text);
    expect(session.fedTokens).toBe(40);
    expect(tokenizer.decode(session.tokens.slice(-40))).toBe(text.slice(-40));
    expectMatchesForward(session, 'window');
    session.dispose();
  });

  it('extend() after appending text feeds only the addition and equals a fresh prime', () => {
    const grown = new Session(model, tokenizer);
    grown.prime('the cat sat ');
    expect(grown.extend('the cat sat on the')).toEqual({ mode: 'extended', fed: 6, unknown: null });
    expect(grown.extend('the cat sat on the')).toEqual({ mode: 'unchanged', fed: 0, unknown: null });
    expect(grown.append(' mat')).toEqual({ mode: 'extended', fed: 4, unknown: null });
    expect(grown.extend('the cat sat on the')).toMatchObject({ mode: 'rewound', fed: 0 });
    const fresh = new Session(model, tokenizer);
    fresh.prime('the cat sat on the');
    expect(grown.tokens).toEqual(fresh.tokens);
    expectRowsClose(grown.logits, fresh.logits, TOL, 'extended vs fresh');
    grown.dispose();
    fresh.dispose();
  });

  it('extend() rewinds for a backspace, and re-primes after an edit further back', () => {
    const session = new Session(model, tokenizer);
    const text = 'a cat saw a dog. the dog ran home';
    session.prime(text);
    expect(session.extend(text.slice(0, -1))).toMatchObject({ mode: 'rewound', fed: 0 });
    expect(session.extend(`${text.slice(0, -2)}st`)).toMatchObject({ mode: 'rewound', fed: 2 });
    const fresh = new Session(model, tokenizer);
    fresh.prime(`${text.slice(0, -2)}st`);
    expectRowsClose(session.logits, fresh.logits, TOL, 'after rewinding');
    expect(session.extend(`the ${text.slice(2)}`)).toMatchObject({ mode: 'primed' });
    fresh.prime(`the ${text.slice(2)}`);
    expectRowsClose(session.logits, fresh.logits, TOL, 'after re-priming');
    fresh.dispose();
    session.dispose();
  });

  it('keeps a bounded window while the text keeps growing', () => {
    const session = new Session(model, tokenizer, { contextTokens: 8, rewindTokens: 4 });
    const modes = new Set<string>();
    for (let i = 1; i <= 60; i++) {
      modes.add(session.extend(CORPUS.slice(0, i)).mode);
      expect(session.fedTokens).toBeLessThanOrEqual(16);
    }
    expect([...modes].sort()).toEqual(['extended', 'primed']);
    expectMatchesForward(session, 'after growing');
    session.dispose();
  });

  it('maps or drops characters the vocabulary lacks and says so', () => {
    const session = new Session(model, tokenizer);
    const report = session.prime('the ‘cat’ sat on thé\u00a0mat€');
    expect(report.unknown).toEqual({
      kind: 'characters',
      items: [
        { text: '‘', replacement: '' },
        { text: '’', replacement: '' },
        { text: 'é', replacement: 'e' },
        { text: '\u00a0', replacement: ' ' },
        { text: '€', replacement: '' },
      ],
    });
    expect(tokenizer.decode(session.tokens)).toBe('the cat sat on the mat');
    const more = session.extend('the ‘cat’ sat on thé\u00a0mat€ ñ');
    expect(more.mode).toBe('extended');
    expect(more.unknown?.items.map((i) => i.text)).toEqual(['‘', '’', 'é', '\u00a0', '€', 'ñ']);
    session.dispose();
  });

  it('forks are independent of the session they came from', () => {
    const session = new Session(model, tokenizer);
    session.prime('the cat ');
    const before = Float32Array.from(session.logits);
    const fork = session.fork();
    fork.feed(tokenizer.encode('sat'));
    expect(fork.text).toBe('the cat sat');
    expect([...session.logits]).toEqual([...before]);
    session.dispose();
    fork.feed(tokenizer.encode(' on'));
    expect(fork.text).toBe('the cat sat on');
    fork.dispose();
    expect(() => fork.feed([1])).toThrow(/disposed/);
  });

  it('holds a constant number of tensors per token and frees them all', () => {
    const start = tf.memory().numTensors;
    const session = new Session(model, tokenizer, { rewindTokens: 4 });
    session.prime('the');
    const counts: number[] = [];
    for (let i = 0; i < 100; i++) {
      session.feed([argmax(session.logits)]);
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts.slice(4)).size).toBe(1);
    for (let i = 0; i < 20; i++) session.extend(`${session.text.slice(0, -1)}${i % 2 ? 'a' : 'o'}`);
    expect(tf.memory().numTensors).toBe(counts.at(-1));
    session.dispose();
    // The model's generation cache (prepared weights) stays with the model.
    const cacheTensors = tf.memory().numTensors - start;
    const again = new Session(model, tokenizer);
    again.prime('the cat sat');
    again.dispose();
    expect(tf.memory().numTensors - start).toBe(cacheTensors);
  });
});

describe.each(testBackends)('sessions with word and BPE tokenizers on %s', (backend) => {
  beforeAll(async () => useBackend(backend));

  it.each(['word', 'bpe'] as const)('%s: extend() re-cuts the last token and still equals a fresh prime', (level) => {
    const tokenizer = trainTokenizer(level, CORPUS, { vocabSize: level === 'bpe' ? 60 : 40 });
    const model = randomModel(tokenizer, 3);
    const session = new Session(model, tokenizer);
    const fresh = new Session(model, tokenizer);
    const steps = ['the ca', 'the cat', 'the cat s', 'the cat sat on the m', 'the cat sat on the mat.', 'the cat sat on the ma'];
    const modes: string[] = [];
    for (const text of steps) {
      modes.push(session.extend(text).mode);
      fresh.prime(text);
      expect(session.tokens).toEqual(fresh.tokens);
      expectRowsClose(session.logits, fresh.logits, TOL, `${level} at ${JSON.stringify(text)}`);
    }
    expect(modes[0]).toBe('extended');
    expect(modes).toContain('rewound');
    expect(modes).not.toContain('primed');
    session.dispose();
    fresh.dispose();
    model.dispose();
  });

  it('word level: unknown words become <unk> and are reported', () => {
    const tokenizer = trainTokenizer('word', CORPUS);
    const model = randomModel(tokenizer, 4);
    const session = new Session(model, tokenizer);
    const report = session.prime('the zebra sat');
    expect(report.unknown).toEqual({ kind: 'words', items: [{ text: 'zebra', replacement: '<unk>' }] });
    expect(session.tokens).toContain(tokenizer.unkId);
    session.dispose();
    model.dispose();
  });
});
