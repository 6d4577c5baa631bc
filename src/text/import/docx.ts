/**
 * .docx → text through mammoth's raw text extraction (paragraphs come out separated by blank lines). The
 * archive is opened by Longhand's own guarded reader (zip.ts), not by mammoth's, so a zip bomb is refused
 * from its directory and nothing unpacks past the import limit; mammoth reads parts through it.
 */
import mammoth from 'mammoth';
import { ImportError } from './errors.js';
import { openZip, type ZipArchive } from './zip.js';

/**
 * The archive as mammoth's own zip object (`{ file }` input: `exists(name)`, `read(name, encoding)`; see
 * mammoth/lib/unzip.js). Only reading is needed for raw text.
 */
function mammothFile(zip: ZipArchive) {
  return {
    exists: (name: string): boolean => zip.has(name),
    read: async (name: string, encoding?: string): Promise<Uint8Array | string> => {
      const bytes = zip.read(name);
      if (encoding === 'base64') return Buffer.from(bytes).toString('base64');
      return encoding ? new TextDecoder(encoding).decode(bytes) : bytes;
    },
  };
}

export async function extractDocx(file: string, bytes: Uint8Array, maxBytes: number): Promise<string> {
  const zip = openZip(file, bytes, { maxBytes, format: '.docx' });
  try {
    // mammoth's typings list only path/buffer/arrayBuffer inputs; its reader also takes an opened `file`.
    const input = { file: mammothFile(zip) } as unknown as { buffer: Buffer };
    const result = await mammoth.extractRawText(input);
    return result.value;
  } catch (error) {
    if (error instanceof ImportError) throw error; // too large, or a damaged entry: already one line
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ImportError(file, 'malformed', `is not a readable .docx (${why})`);
  }
}
