/**
 * Bytes of a .txt/.md file → text, or the reason it is not text: UTF-16/32, binary (NUL bytes or many
 * control characters), or invalid UTF-8 with the offset of the first bad sequence.
 */
import { ImportError } from './errors.js';
import { normaliseText } from './normalise.js';
import { findInvalidUtf8 } from './utf8.js';

/** Above this share of control bytes (other than tab, LF, VT, FF, CR) a file is treated as binary. */
export const MAX_CONTROL_SHARE = 0.01;

export function decodePlainText(file: string, bytes: Uint8Array): string {
  const wide = utf16or32(bytes);
  if (wide) throw new ImportError(file, 'encoding', `is ${wide} text; save it as UTF-8 and import it again`);

  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new ImportError(file, 'binary', `looks binary (NUL byte at offset ${nul})`);

  let controls = 0;
  let firstControl = -1;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b < 0x20 && (b < 0x09 || b > 0x0d)) || b === 0x7f) {
      controls++;
      if (firstControl < 0) firstControl = i;
    }
  }
  if (controls > bytes.length * MAX_CONTROL_SHARE) {
    throw new ImportError(
      file,
      'binary',
      `looks binary (${controls} control bytes in ${bytes.length}, the first at offset ${firstControl})`,
    );
  }

  const bad = findInvalidUtf8(bytes);
  if (bad >= 0) {
    const hex = bytes[bad]!.toString(16).toUpperCase().padStart(2, '0');
    throw new ImportError(
      file,
      'encoding',
      `is not valid UTF-8 (bad byte 0x${hex} at offset ${bad}); save it as UTF-8 and import it again`,
    );
  }
  return normaliseText(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
}

function utf16or32(b: Uint8Array): string | undefined {
  if (b[0] === 0x00 && b[1] === 0x00 && b[2] === 0xfe && b[3] === 0xff) return 'UTF-32';
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0x00 && b[3] === 0x00) return 'UTF-32';
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) return 'UTF-16';
  return undefined;
}
