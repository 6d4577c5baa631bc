/** .docx → text through mammoth's raw text extraction (paragraphs come out separated by blank lines). */
import mammoth from 'mammoth';
import { ImportError } from './errors.js';

export async function extractDocx(file: string, bytes: Uint8Array): Promise<string> {
  try {
    const result = await mammoth.extractRawText({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    return result.value;
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ImportError(file, 'malformed', `is not a readable .docx (${why})`);
  }
}
