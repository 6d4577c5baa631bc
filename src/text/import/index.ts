/**
 * Importing a writer's file as training text: .txt/.md (UTF-8), .docx and .epub → one normalised text with
 * its identity and counts, or an ImportError saying in one line why the file was refused.
 *
 * Normalisation: a UTF-8 byte order mark is dropped and CRLF / lone CR become LF. The sha256 is taken over
 * this normalised text, not the file's bytes, so the same writing saved with Windows and Unix line endings
 * (or with and without a BOM) is recognised as one document.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { MAX_IMPORT_BYTES, importLimitReason } from '../../contract/schemas/importLimit.js';
import { countCodePoints, countWords, textSha256 } from '../stats.js';
import { extractDocx } from './docx.js';
import { extractEpub } from './epub.js';
import { ImportError } from './errors.js';
import { isBlank, tidyExtracted } from './normalise.js';
import { decodePlainText } from './plainText.js';

export { ImportError, type ImportErrorCode } from './errors.js';
/** Largest file Longhand imports, on disk, unpacked and as text (declared in the contract: the app meets it too). */
export { MAX_IMPORT_BYTES } from '../../contract/schemas/importLimit.js';

export const SUPPORTED_EXTENSIONS = ['.txt', '.text', '.md', '.markdown', '.docx', '.epub'] as const;
export type ImportFormat = 'txt' | 'md' | 'docx' | 'epub';

const FORMATS: Record<string, ImportFormat> = {
  '.txt': 'txt',
  '.text': 'txt',
  '.md': 'md',
  '.markdown': 'md',
  '.docx': 'docx',
  '.epub': 'epub',
};

export interface ImportedDocument {
  /** The file name without its extension, or an .epub's own title. */
  title: string;
  /** Normalised text (see the header comment). */
  text: string;
  /** sha256 of `text`. */
  sha256: string;
  /** Absolute path of the file it came from. */
  sourcePath: string;
  format: ImportFormat;
  /** UTF-8 bytes of `text` (not the file's size: a .docx's zip size says little about its text). */
  byteCount: number;
  /** Unicode code points of `text`. */
  charCount: number;
  wordCount: number;
}

export interface ImportOptions {
  /** Override MAX_IMPORT_BYTES (tests use a small limit). */
  maxBytes?: number;
}

/** Reads and checks one file; throws ImportError (with `code` and a one-line `reason`) if it is refused. */
export async function importFile(file: string, options: ImportOptions = {}): Promise<ImportedDocument> {
  const maxBytes = options.maxBytes ?? MAX_IMPORT_BYTES;
  const refuse = (code: ConstructorParameters<typeof ImportError>[1], reason: string): ImportError =>
    new ImportError(file, code, reason);

  const stat = await fs.stat(file).catch((error: NodeJS.ErrnoException) => {
    throw refuse('unreadable', unreadableReason(error));
  });
  if (stat.isDirectory()) throw refuse('unreadable', 'is a directory');
  if (!stat.isFile()) throw refuse('unreadable', 'is not a regular file');

  const ext = path.extname(file).toLowerCase();
  const format = FORMATS[ext];
  if (!format) {
    const supported = `Longhand imports ${SUPPORTED_EXTENSIONS.join(', ')}`;
    // "looks binary" tells the writer more than the extension does when they picked an image or a program.
    const nul = await firstNul(file, 8192);
    if (nul >= 0) throw refuse('binary', `looks binary (NUL byte at offset ${nul}); ${supported}`);
    throw refuse('unsupported', `${ext ? `unsupported file type ${ext}` : 'has no file extension'} (${supported})`);
  }
  if (stat.size > maxBytes) throw refuse('too-large', importLimitReason('is', stat.size, maxBytes));
  if (stat.size === 0) throw refuse('empty', 'is empty');

  const bytes = await fs.readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw refuse('unreadable', unreadableReason(error));
  });

  let text: string;
  let title = path.basename(file, path.extname(file));
  if (format === 'docx') text = tidyExtracted(await extractDocx(file, bytes, maxBytes));
  else if (format === 'epub') {
    const book = extractEpub(file, bytes, maxBytes);
    text = tidyExtracted(book.text);
    title = book.title ?? title;
  } else text = decodePlainText(file, bytes);

  if (isBlank(text)) throw refuse('empty', text.length === 0 ? 'contains no text' : 'contains only whitespace');
  const byteCount = Buffer.byteLength(text, 'utf8');
  if (byteCount > maxBytes) {
    throw refuse('too-large', importLimitReason('its text is', byteCount, maxBytes));
  }
  return {
    title,
    text,
    sha256: textSha256(text),
    sourcePath: path.resolve(file),
    format,
    byteCount,
    charCount: countCodePoints(text),
    wordCount: countWords(text),
  };
}

/** Offset of the first NUL byte among the first `limit` bytes, or -1 (also if the file cannot be read). */
async function firstNul(file: string, limit: number): Promise<number> {
  try {
    const handle = await fs.open(file, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(limit), 0, limit, 0);
      return buffer.subarray(0, bytesRead).indexOf(0);
    } finally {
      await handle.close();
    }
  } catch {
    return -1;
  }
}

function unreadableReason(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return `cannot be read (${error.code ?? error.message})`;
  }
}
