import { describe, expect, it } from 'vitest';
import { findInvalidUtf8 } from '../../../../src/text/import/utf8.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('findInvalidUtf8', () => {
  it.each([
    ['empty', bytes(), -1],
    ['ASCII', bytes('plain text'), -1],
    ['2-, 3- and 4-byte characters', bytes('é — 𝄞 🐈'), -1],
    ['highest code point U+10FFFF', bytes([0xf4, 0x8f, 0xbf, 0xbf]), -1],
    ['Latin-1 é after two letters', bytes('Ol', [0xe1], ' mundo'), 2],
    ['stray continuation byte', bytes('abc', [0x80]), 3],
    ['overlong 2-byte (C0 80)', bytes('x', [0xc0, 0x80]), 1],
    ['overlong 3-byte (E0 80 80)', bytes('xy', [0xe0, 0x80, 0x80]), 2],
    ['overlong 4-byte (F0 80 80 80)', bytes([0xf0, 0x80, 0x80, 0x80]), 0],
    ['UTF-16 surrogate (ED A0 80)', bytes('ok ', [0xed, 0xa0, 0x80]), 3],
    ['past U+10FFFF (F4 90 80 80)', bytes([0xf4, 0x90, 0x80, 0x80]), 0],
    ['F5 lead byte', bytes('a', [0xf5, 0x80, 0x80, 0x80]), 1],
    ['truncated at end of file', bytes('price: ', [0xe2, 0x82]), 7],
    ['continuation missing mid-text', bytes('é', [0xe2, 0x41, 0x41]), 2],
    ['bad byte after valid multi-byte text', bytes('日本語', [0xff]), 9],
  ])('%s → %i', (_name, input, expected) => {
    expect(findInvalidUtf8(input)).toBe(expected);
  });
});
