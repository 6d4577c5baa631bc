import { describe, expect, it } from 'vitest';
import {
  type Candidate,
  type RawSuggestions,
  SUGGEST_POLICY,
  type SuggestPolicy,
  branchFor,
  choose,
  continuesWord,
  loopCut,
  softStart,
  wordState,
} from '../../../src/generate/suggestPolicy.js';

/** The rules under test, with fixed thresholds (the shipped ones are tuned by bench:suggest and may move). */
const POLICY: SuggestPolicy = { ...SUGGEST_POLICY, completeWordMin: 0.8, finishedWordMax: 0.5, firstWordMin: 0.1, completionMin: 0.1, nextWordMin: 0.2 };
const word = (text: string, p: number, tokens = text.length) => ({ text, logProb: Math.log(p), tokens });
const candidate = (...words: [string, number][]): Candidate => ({ words: words.map(([t, p]) => word(t, p)) });
const texts = (raw: RawSuggestions, before: string, n = 3) => choose(raw, before, POLICY, n).map((s) => s.text);

describe('word boundaries', () => {
  it.each([
    ['', 'after-space'],
    ['the ', 'after-space'],
    ['line\n', 'after-space'],
    ['wind', 'mid-word'],
    ['Ántonia', 'mid-word'],
    ['don’', 'mid-word'],
    ['1884', 'mid-word'],
    ['said,', 'after-punctuation'],
    ['"', 'after-punctuation'],
  ])('%j is %s', (before, state) => expect(wordState(before)).toBe(state));

  it.each([
    ['ow', true],
    ["'t", true],
    ['-known', true],
    [' and', false],
    [',', false],
    ['\n', false],
    ['.', false],
  ])('token %j continues a word: %s', (token, continues) => expect(continuesWord(token)).toBe(continues));

  it('completes a half-typed word only when it probably continues, suggests after it when probably finished, else nothing', () => {
    expect(branchFor('mid-word', 0.95, POLICY)).toBe('complete-word');
    expect(branchFor('mid-word', 0.2, POLICY)).toBe('next-word');
    expect(branchFor('mid-word', 0.65, POLICY)).toBeNull();
    expect(branchFor('after-space', null, POLICY)).toBe('next-word');
  });

  it('never breaks a finished word: after "wind" the likely "ow" is not glued on when the word is probably complete', () => {
    const branches = { 'complete-word': [candidate(['ow', 0.6], [',', 0.5])], 'next-word': [candidate([' and', 0.3], [' the', 0.6])] };
    expect(texts({ state: 'mid-word', continueProb: 0.35, branches }, 'The wind')).toEqual([' and the']);
    expect(texts({ state: 'mid-word', continueProb: 0.9, branches }, 'The wind')).toEqual(['ow,']);
    expect(texts({ state: 'mid-word', continueProb: 0.65, branches }, 'The wind')).toEqual([]);
  });
});

describe('confidence and length', () => {
  const raw = (c: Candidate[]): RawSuggestions => ({ state: 'after-space', continueProb: null, branches: { 'next-word': c } });

  it('shows nothing when the first word is unlikely, and ends before an unlikely word', () => {
    expect(texts(raw([candidate(['the', 0.05], [' door', 0.9])]), 'She opened ')).toEqual([]);
    expect(texts(raw([candidate(['the', 0.4], [' door', 0.1], [' and', 0.9])]), 'She opened ')).toEqual(['the']);
    expect(texts(raw([candidate(['the', 0.4], [' door', 0.5], [' and', 0.9], [' left', 0.9])]), 'She opened ')).toEqual(['the door and']);
  });

  it('gives distinct alternatives, best first, at most n, with the first word’s probability', () => {
    const all = choose(raw([candidate(['the', 0.5], [' door', 0.5]), candidate(['her', 0.3]), candidate(['the', 0.2], [' door', 0.5]), candidate(['a', 0.15])]), 'She opened ', POLICY, 2);
    expect(all.map((s) => s.text)).toEqual(['the door', 'her']);
    expect(all[0]!.confidence).toBeCloseTo(0.5, 10);
    expect(all[0]!.score).toBeCloseTo((Math.log(0.5) * 2) / 'the door'.length, 10);
  });

  it('has its own bar for completing a half-typed word', () => {
    const branches = { 'complete-word': [candidate(['ing', 0.15])] };
    const mid: RawSuggestions = { state: 'mid-word', continueProb: 0.9, branches };
    expect(texts(mid, 'The wind')).toEqual(['ing']);
    expect(choose(mid, 'The wind', { ...POLICY, completionMin: 0.2 }, 1)).toEqual([]);
    expect(choose(mid, 'The wind', { ...POLICY, completionMin: 0.1, firstWordMin: 0.9 }, 1)).toHaveLength(1);
  });

  it('shows no lone punctuation', () => {
    expect(texts(raw([candidate([',', 0.5], [' and', 0.1]), candidate([' and', 0.3])]), 'wind')).toEqual([' and']);
    expect(texts(raw([candidate([',', 0.5], [' and', 0.5])]), 'wind')).toEqual([', and']);
  });

  it('keeps within a token budget', () => {
    expect(choose(raw([candidate(['the', 0.5], [' door', 0.5])]), 'She opened ', POLICY, 1, 5).map((s) => s.text)).toEqual(['the']);
  });
});

describe('loops', () => {
  it.each([
    ['gagged to the streets of the', ' streets of the', 0],
    ['gagged to the streets of the', ' town', 5],
    ['to the streets of', ' the streets of the', 4],
    ['she said that', ' that he', 0],
    ['It was the best of times, it was the', ' worst of times', 15],
    ['Annagged to the', 'streets of', 10],
    ['the old man and the old', ' woman', 6],
    ['round and round and', ' round', 0], // strict: an idiom that repeats is cut too
  ])('before %j, %j keeps %i characters', (before, suggestion, keep) => expect(loopCut(before, suggestion)).toBe(keep));

  it('drops a candidate that loops and shows the next one', () => {
    const raw: RawSuggestions = {
      state: 'after-space',
      continueProb: null,
      branches: { 'next-word': [candidate(['streets', 0.6], [' of', 0.9], [' the', 0.9]), candidate(['town', 0.3], [' of', 0.9])] },
    };
    expect(texts(raw, 'Annagged to the streets of the ')).toEqual(['town of']);
    expect(choose(raw, 'Annagged to the streets of the ', { ...POLICY, cutLoops: false }, 1)[0]!.text).toBe('streets of the');
  });
});

describe('line breaks', () => {
  it('keeps an alternative that begins with a line break, as a soft break', () => {
    const raw: RawSuggestions = { state: 'after-punctuation', continueProb: null, branches: { 'next-word': [candidate(['\nThat', 0.5], [' is', 0.6], [' the', 0.5])] } };
    expect(texts(raw, 'To be, or not to be,')).toEqual([' That is the']);
    expect(softStart('\n\n  man', 'the ')).toBe('man');
    expect(softStart('\nman', 'the')).toBe(' man');
    expect(softStart('man', 'the ')).toBe('man');
  });

  it('ends a suggestion at a line break after its first word', () => {
    const raw: RawSuggestions = { state: 'after-space', continueProb: null, branches: { 'next-word': [candidate(['said.', 0.5], ['\nThe', 0.9])] } };
    expect(texts(raw, 'he ')).toEqual(['said.']);
    const spaced: RawSuggestions = { state: 'after-space', continueProb: null, branches: { 'next-word': [candidate(['said.', 0.5], ['  The', 0.9])] } };
    expect(texts(spaced, 'he ')).toEqual(['said. The']);
  });
});

describe('typography', () => {
  const raw: RawSuggestions = { state: 'after-space', continueProb: null, branches: { 'next-word': [candidate(['"Don\'t', 0.5], [' go,"', 0.5], [' she—', 0.5])] } };

  it('restyles the plain suggestion like the writer’s text', () => {
    expect(texts(raw, 'He said, “Wait.” She answered, ')).toEqual(['“Don’t go,” she—']);
    expect(texts(raw, 'He said, "Wait." She answered, ')).toEqual(['"Don\'t go," she—']);
    expect(texts(raw, 'He said -- "Wait." -- and she answered ')).toEqual(['"Don\'t go," she--']);
  });
});
