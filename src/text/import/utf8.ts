/**
 * A UTF-8 validator that reports *where* the text goes wrong: TextDecoder's fatal mode only says that it
 * does. Follows the Unicode well-formed byte sequence table (no overlongs, no surrogates, nothing past U+10FFFF).
 */
import { isUtf8 } from 'node:buffer';

/** Byte offset of the first ill-formed sequence, or -1 if `bytes` is valid UTF-8. */
export function findInvalidUtf8(bytes: Uint8Array): number {
  if (isUtf8(bytes)) return -1; // native fast path; the loop below only runs for bad files
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0; // overlong
      else if (c === 0xed) hi = 0x9f; // UTF-16 surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90; // overlong
      else if (c === 0xf4) hi = 0x8f; // past U+10FFFF
    } else return i; // a stray continuation byte, C0/C1 (overlong) or F5..FF
    if (i + need >= n) return i; // truncated at end of file
    const second = bytes[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const next = bytes[i + k]!;
      if (next < 0x80 || next > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}
