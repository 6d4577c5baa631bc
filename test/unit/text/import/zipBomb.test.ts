/**
 * Zip bombs in .docx and .epub: refused from the central directory before anything is unpacked, and never
 * unpacked past the import limit (or past what the directory declares) when the directory lies. Bombs are
 * generated here (zipWriter.ts): a 1.5 MB .docx whose word/document.xml unpacks to 1.5 GiB, as in issue 14.
 * Peak memory is measured in a child process (maxRSS), where nothing else shares the heap.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MAX_IMPORT_BYTES, importFile, ImportError } from '../../../../src/text/import/index.js';
import { bombEntry, deflated, docxWith, epubWith, stored, writeZip } from '../../../fixtures/import/zipWriter.js';
import { useTempDir } from '../../store/tempDir.js';

const MiB = 1 << 20;
const child = fileURLToPath(new URL('./importMemory.child.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

async function importInChild(file: string): Promise<{ code?: string; reason?: string; imported?: number; peakGrowth: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, file], { cwd: repoRoot });
  return JSON.parse(stdout) as { code?: string; reason?: string; imported?: number; peakGrowth: number };
}

async function refusal(file: string, maxBytes?: number): Promise<ImportError> {
  const error = await importFile(file, { maxBytes }).then(
    () => new Error(`${file} was accepted`),
    (e: unknown) => e,
  );
  if (error instanceof ImportError) return error;
  throw error;
}

const paragraph = (text: string) =>
  `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`;
const chapter = (text: string) => `<html xmlns="http://www.w3.org/1999/xhtml"><body><p>${text}</p></body></html>`;

describe('zip bombs', () => {
  const dir = useTempDir();
  const write = (name: string, bytes: Buffer): string => {
    const file = path.join(dir(), name);
    fs.writeFileSync(file, bytes);
    return file;
  };

  it('refuses a 1.5 MB .docx that unpacks to 1.5 GiB from its directory, without unpacking it', async () => {
    const file = write('bomb.docx', docxWith(bombEntry('word/document.xml', 1536)));
    expect(fs.statSync(file).size).toBeLessThan(2 * MiB);
    const result = await importInChild(file);
    expect(result.code).toBe('too-large');
    expect(result.reason).toBe('word/document.xml unpacks to 1.5 GiB, over the 50 MiB import limit');
    expect(result.peakGrowth).toBeLessThan(32 * MiB); // it was 3.3 GB before
  });

  it('stops a .docx whose directory lies about the size at the declared size', async () => {
    const file = write('liar.docx', docxWith(bombEntry('word/document.xml', 1536, 1024)));
    const result = await importInChild(file);
    expect(result.code).toBe('malformed');
    expect(result.reason).toBe("is not a readable .docx (word/document.xml is not the size the archive's directory says)");
    expect(result.peakGrowth).toBeLessThan(32 * MiB);
  });

  it('never unpacks more than the limit when a lying directory declares a size just under it', async () => {
    const declared = MAX_IMPORT_BYTES - MiB;
    const file = write('big-liar.epub', epubWith([bombEntry('one.xhtml', 1536, declared)]));
    const result = await importInChild(file);
    expect(result.code).toBe('malformed');
    expect(result.reason).toMatch(/one\.xhtml is not the size the archive's directory says/);
    // At most the declared 49 MiB (and its decoding) is ever held: far from the 1.5 GiB the stream holds.
    expect(result.peakGrowth).toBeLessThan(3 * MAX_IMPORT_BYTES);
  });

  it('refuses an .epub whose chapters unpack to more than the limit together', async () => {
    const file = write('many.epub', epubWith([bombEntry('a.xhtml', 1), bombEntry('b.xhtml', 1), bombEntry('c.xhtml', 1)]));
    const error = await refusal(file, 2 * MiB);
    expect([error.code, error.reason]).toEqual(['too-large', 'its text parts unpack to 3.0 MiB, over the 2 MiB import limit']);
  });

  it('reads sizes past 4 GiB from a ZIP64 directory', async () => {
    const entry = { ...bombEntry('word/document.xml', 1, 5 * 1024 * MiB), zip64: true };
    const error = await refusal(write('zip64.docx', docxWith(entry)));
    expect([error.code, error.reason]).toEqual(['too-large', 'word/document.xml unpacks to 5 GiB, over the 50 MiB import limit']);
  });

  it('counts parts it had not counted up front (a chapter without an extension) as it reads them', async () => {
    const file = write('odd.epub', epubWith([deflated('intro', chapter('x'.repeat(900 * 1024))), deflated('rest', chapter('y'.repeat(900 * 1024)))]));
    const error = await refusal(file, 1.5 * MiB);
    expect(error.code).toBe('too-large');
    expect(error.reason).toMatch(/^the parts read unpack to 1\.8 MiB, over the 1\.5 MiB import limit$/);
  });

  it('still reads honest archives written by hand, stored and deflated', async () => {
    const docx = await importFile(write('fine.docx', docxWith(deflated('word/document.xml', paragraph('A small, honest page.')))));
    expect(docx.text).toBe('A small, honest page.');
    const epub = await importFile(write('fine.epub', epubWith([stored('one.xhtml', chapter('Stored.')), deflated('two.xhtml', chapter('Deflated.'))])));
    expect(epub.text).toBe('Stored.\n\nDeflated.');
  });

  it('refuses archives it cannot read with one line', async () => {
    const password = docxWith(deflated('word/document.xml', paragraph('secret')));
    password.writeUInt16LE(0x0801, password.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 8); // "encrypted" flag
    expect((await refusal(write('locked.docx', password))).reason).toBe('is not a readable .docx (it is password-protected)');

    const truncated = writeZip([deflated('content.opf', 'x')]).subarray(0, 40);
    expect((await refusal(write('cut.epub', truncated))).reason).toBe('is not a readable .epub (not a zip archive)');
  });
});
