import { describe, expect, it } from 'vitest';
import { cutKind, cutPoints, figures, firstWordEnd, firstWordMatches, loops, savedChars } from '../../../src/eval/suggestions.js';

describe('cut points', () => {
  it.each([
    ['The wind', 6, 'mid-word'],
    ['The wind blew', 8, 'word-end'],
    ['The wind, then', 8, 'word-end'],
    ['The wind blew', 9, 'after-space'],
    ["don't", 3, null],
    ['The wind, then', 9, null],
    ['A', 0, null],
  ])('%j at %i is %s', (text, at, kind) => expect(cutKind(text, at)).toBe(kind));

  it('draws each kind from its positions, reproducibly, in text order', () => {
    const text = 'It was the best of times, it was the worst of times. '.repeat(20);
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const cuts = cutPoints(text, 10, random, 100, 900);
    expect(cuts).toHaveLength(30);
    for (const cut of cuts) {
      expect(cutKind(text, cut.at)).toBe(cut.kind);
      expect(cut.at).toBeGreaterThanOrEqual(100);
      expect(cut.at).toBeLessThan(900);
    }
    seed = 1;
    expect(cutPoints(text, 10, random, 100, 900)).toEqual(cuts);
    expect(cuts.filter((c) => c.kind === 'mid-word').map((c) => c.at)).toEqual(cuts.filter((c) => c.kind === 'mid-word').map((c) => c.at).sort((a, b) => a - b));
  });
});

describe('ExactMatch of the first word', () => {
  it.each([
    [' and the', ' and then', 4, true],
    [' and the', ' andante', 4, false],
    ['ow, and', 'ow, and', 2, true],
    ['ow', 'owing', 2, false],
    [', and the', ', and a', 5, true],
    [', and the', '; and the', 5, false],
    ["'t know", "'t know", 2, true],
    [' That is', '\nThat was', 5, true],
    [' said', ' said.', 5, true],
    [' don', " don't", 4, false],
  ])('%j against %j', (suggestion, truth, end, match) => {
    expect(firstWordEnd(suggestion)).toBe(end);
    expect(firstWordMatches(suggestion, truth)).toBe(match);
  });
});

describe('characters saved', () => {
  it.each([
    [' and the door', ' and the window', 8],
    [' and the door', ' and the door.', 13],
    [' and the', ' andante', 0],
    ['ow, and the', 'ow, and then', 7],
    ['ow, and', 'ow; and', 2],
    [' That is the', '\nThat is the', 12],
    ['', ' and', 0],
  ])('%j against %j saves %i', (suggestion, truth, saved) => expect(savedChars(suggestion, truth)).toBe(saved));
});

describe('loops', () => {
  it.each([
    ['Anna', 'gged to the streets of the streets of the streets', true],
    ['Anna', 'gged to the streets of the town', false],
    ['she said that', ' that he', true],
    ['I walked to the end of the road and', ' then to the end of the road', true],
    ['It was the best of times, it was the', ' worst of times', false],
  ])('%j + %j loops: %s', (before, accepted, loop) => expect(loops(before, accepted)).toBe(loop));
});

describe('figures', () => {
  it('gives shown rate, ExactMatch when shown, characters saved and whole-ghost accuracy', () => {
    const f = figures([
      { kind: 'after-space', suggestion: 'the door', truth: 'the door and' },
      { kind: 'after-space', suggestion: 'a cat', truth: 'the dog' },
      { kind: 'mid-word', suggestion: '', truth: 'ing' },
      { kind: 'word-end', suggestion: ' and the', truth: ' and then' },
      { kind: 'word-end', suggestion: 'ow and', truth: ', and' },
    ]);
    expect(f).toEqual({ cuts: 5, shown: 0.8, exactMatch: 2 / 4, savedPerCut: 12 / 5, savedPerShown: 12 / 4, wholeRight: 1 / 4, wordsPerGhost: 2, brokeFinishedWord: 1 / 2 });
  });
});
