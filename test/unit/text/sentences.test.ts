import { describe, expect, it } from 'vitest';
import { sentences, splitSentences } from '../../../src/text/sentences.js';

describe('splitSentences', () => {
  it.each<[string, string[]]>([
    ['Hello there. How are you? Fine!', ['Hello there.', 'How are you?', 'Fine!']],
    ['Mr. Smith met Dr. Jones and Prof. Lee. They talked.', ['Mr. Smith met Dr. Jones and Prof. Lee.', 'They talked.']],
    ['It rose 2.5% to $10.9bn. Shares fell.', ['It rose 2.5% to $10.9bn.', 'Shares fell.']],
    ['The U.S. President spoke. Markets rose in the U.S. The dollar fell.', ['The U.S. President spoke.', 'Markets rose in the U.S.', 'The dollar fell.']],
    ['J. K. Rowling wrote it. George W. Bush read it.', ['J. K. Rowling wrote it.', 'George W. Bush read it.']],
    ['"Why?" she asked. "Because," he said.', ['"Why?" she asked.', '"Because," he said.']],
    ['He said: "Stop." Then he left.', ['He said: "Stop."', 'Then he left.']],
    ['Wait... what? No!', ['Wait... what?', 'No!']],
    ['See No. 10 and Fig. 3 for details. Done.', ['See No. 10 and Fig. 3 for details.', 'Done.']],
    ['Use tools, e.g. hammers. Or not.', ['Use tools, e.g. hammers.', 'Or not.']],
    ['1. Buy milk. 2. Feed the cat.', ['1. Buy milk.', '2. Feed the cat.']],
    ['A sentence with no end', ['A sentence with no end']],
  ])('%j', (text, expected) => {
    expect(sentences(text)).toEqual(expected);
  });

  it('splits BBC summaries where sentences are joined without a space', () => {
    const summary =
      'TimeWarner said fourth quarter sales rose 2% to $11.1bn from $10.9bn.For the full-year, TimeWarner posted a profit.' +
      'It was "very pleasing."I think so.Was it a good year?There are doubts (for example).This is the end.';
    expect(sentences(summary)).toEqual([
      'TimeWarner said fourth quarter sales rose 2% to $11.1bn from $10.9bn.',
      'For the full-year, TimeWarner posted a profit.',
      'It was "very pleasing."',
      'I think so.',
      'Was it a good year?',
      'There are doubts (for example).',
      'This is the end.',
    ]);
  });

  it('does not split web names or dotted initialisms written without spaces', () => {
    expect(sentences('Visit Halo.Bungie.Org today. The U.S.A. is big.')).toEqual(['Visit Halo.Bungie.Org today.', 'The U.S.A. is big.']);
    expect(sentences('Mr.Smith arrived.')).toEqual(['Mr.Smith arrived.']);
  });

  it('treats blank lines as boundaries, and single newlines only with lineBreaks: always', () => {
    const text = 'Headline without stop\n\nFirst sentence\ncontinues here. Second.';
    expect(sentences(text)).toEqual(['Headline without stop', 'First sentence\ncontinues here.', 'Second.']);
    expect(sentences(text, { lineBreaks: 'always' })).toEqual(['Headline without stop', 'First sentence', 'continues here.', 'Second.']);
  });

  it('reports offsets into the input and keeps every non-space character', () => {
    const text = '  One.  Two?\n\nThree  ';
    const parts = splitSentences(text);
    for (const s of parts) expect(text.slice(s.start, s.end)).toBe(s.text);
    expect(parts.map((s) => s.text).join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
  });
});
