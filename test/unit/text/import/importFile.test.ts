import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFile, ImportError, MAX_IMPORT_BYTES, type ImportErrorCode } from '../../../../src/text/import/index.js';
import { formatSize } from '../../../../src/contract/schemas/importLimit.js';
import { textSha256 } from '../../../../src/text/stats.js';
import { makeDocx, makeEpub, xhtml } from '../../../fixtures/import/builders.js';
import { useTempDir } from '../../store/tempDir.js';

type Content = string | Buffer | (() => Promise<Buffer>);

async function write(dir: string, name: string, content: Content): Promise<string> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'function' ? await content() : content);
  return file;
}

async function refusal(file: string, maxBytes?: number): Promise<ImportError> {
  try {
    await importFile(file, { maxBytes });
  } catch (error) {
    if (error instanceof ImportError) return error;
    throw error;
  }
  throw new Error(`${file} was accepted`);
}

describe('importFile accepts', () => {
  const dir = useTempDir();

  it.each<[string, string, Content, { text: string; title?: string; format?: string }]>([
    ['UTF-8 text', 'plain.txt', 'Hello, world.\n', { text: 'Hello, world.\n', title: 'plain', format: 'txt' }],
    ['a BOM, which it strips', 'bom.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Hi there')]), { text: 'Hi there' }],
    ['CRLF and lone CR, normalised to LF', 'crlf.txt', 'one\r\ntwo\rthree\n\r\n', { text: 'one\ntwo\nthree\n\n' }],
    ['Markdown as written', 'notes.md', '# Notes\n\n*Some* text.\n', { text: '# Notes\n\n*Some* text.\n', format: 'md' }],
    ['upper-case extensions', 'SHOUT.TXT', 'quiet words', { text: 'quiet words', format: 'txt' }],
    ['a few stray control characters', 'esc.txt', `${'A normal line of prose. '.repeat(10)}\x1b[0m`, { text: `${'A normal line of prose. '.repeat(10)}\x1b[0m` }],
    [
      '.docx through mammoth, one paragraph per line pair',
      'essay.docx',
      () => makeDocx(['First paragraph.', 'Second — with “quotes” & <angles>.']),
      { text: 'First paragraph.\n\nSecond — with “quotes” & <angles>.', title: 'essay', format: 'docx' },
    ],
    [
      '.epub in spine order with entities decoded and its own title',
      'book.epub',
      () =>
        makeEpub({
          title: 'The Small Book &amp; Co',
          chapters: [
            { id: 'c2', href: 'text/two.xhtml', xhtml: xhtml('<h1>Two</h1><p>Second&#160;chapter&#x2014;end.</p>') },
            {
              id: 'c1',
              href: 'text/chapter%20one.xhtml',
              xhtml: xhtml(
                `<div class="c"><h1>One</h1>
                 <p>It was a  <em>dark</em>
                    and stormy night &amp; &ldquo;quiet&rdquo;.</p>
                 <script>var ignored = 1;</script>
                 <p>Line one<br/>line two</p><p>   </p><!-- a comment <p>not text</p> -->
                 <p>Caf&eacute; &lt;tag&gt; &unknown; &#128008;</p></div>`,
              ),
            },
          ],
          spine: ['c1', 'c2'],
        }),
      {
        text: [
          'One',
          'It was a dark and stormy night & “quiet”.',
          'Line one\nline two',
          'Café <tag> &unknown; 🐈',
          'Two',
          'Second\u00a0chapter—end.',
        ].join('\n\n'),
        title: 'The Small Book & Co',
        format: 'epub',
      },
    ],
  ])('%s', async (_label, name, content, expected) => {
    const file = await write(dir(), name, content);
    const doc = await importFile(file);
    expect(doc.text).toBe(expected.text);
    if (expected.title) expect(doc.title).toBe(expected.title);
    if (expected.format) expect(doc.format).toBe(expected.format);
    expect(doc.sourcePath).toBe(path.resolve(file));
    expect(doc.sha256).toBe(textSha256(expected.text));
    expect(doc.byteCount).toBe(Buffer.byteLength(expected.text));
    expect(doc.charCount).toBe([...expected.text].length);
  });

  it('gives CRLF and LF copies (and a BOM copy) of the same text the same sha256', async () => {
    const lf = await importFile(await write(dir(), 'lf.txt', 'a\nb\n'));
    const crlf = await importFile(await write(dir(), 'crlf.txt', 'a\r\nb\r\n'));
    const bom = await importFile(await write(dir(), 'bom.txt', '\ufeffa\nb\n'));
    expect(crlf.sha256).toBe(lf.sha256);
    expect(bom.sha256).toBe(lf.sha256);
  });

  it('counts words like a word processor', async () => {
    const doc = await importFile(await write(dir(), 'w.txt', "Don't panic — it's well-known. 42 times!\n"));
    expect(doc.wordCount).toBe(6);
  });

  it('falls back to the file name for an .epub without a title', async () => {
    const file = await write(dir(), 'untitled.epub', () =>
      makeEpub({ chapters: [{ id: 'a', href: 'a.xhtml', xhtml: xhtml('<p>Words.</p>') }], spine: ['a'] }),
    );
    expect((await importFile(file)).title).toBe('untitled');
  });

  it('documents a 50 MiB limit', () => {
    expect(MAX_IMPORT_BYTES).toBe(50 * 1024 * 1024);
  });
});

describe('importFile refuses', () => {
  const dir = useTempDir();
  const nulAt8 = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);

  it.each<[string, string, Content, ImportErrorCode, string | RegExp, number?]>([
    ['binary (NUL byte)', 'image.txt', nulAt8, 'binary', 'looks binary (NUL byte at offset 8)'],
    ['binary (control characters)', 'ctl.txt', `text${'\x01\x02\x03\x04'.repeat(5)}`, 'binary', /^looks binary \(20 control bytes in 24, the first at offset 4\)$/],
    ['invalid UTF-8, with the offset', 'latin1.txt', Buffer.from('Caf\xe9 au lait', 'latin1'), 'encoding', /^is not valid UTF-8 \(bad byte 0xE9 at offset 3\); save it as UTF-8/],
    ['invalid UTF-8 after multi-byte text', 'late.md', Buffer.concat([Buffer.from('naïve — '), Buffer.from([0xc3, 0x28])]), 'encoding', /at offset 11\)/],
    ['UTF-16 text', 'wide.txt', Buffer.from('\ufeffhello', 'utf16le'), 'encoding', /^is UTF-16 text; save it as UTF-8/],
    ['an empty file', 'empty.txt', '', 'empty', 'is empty'],
    ['a whitespace-only file', 'blank.md', ' \n\t\r\n  \u00a0\n', 'empty', 'contains only whitespace'],
    ['a BOM and nothing else', 'bomonly.txt', '\ufeff', 'empty', 'contains no text'],
    ['a file over the limit', 'big.txt', 'x'.repeat(2048), 'too-large', 'is 2 KiB, over the 1 KiB import limit', 1024],
    ['an unsupported extension', 'scan.pdf', '%PDF-1.4', 'unsupported', /^unsupported file type \.pdf \(Longhand imports \.txt, .*\.epub\)$/],
    ['a file without an extension', 'README', 'hello', 'unsupported', /^has no file extension/],
    [
      'a binary file with an unsupported extension, as binary',
      'notes.bin',
      Buffer.concat([Buffer.from('ELF header.'), Buffer.from([0x01, 0x00, 0x02])]),
      'binary',
      /^looks binary \(NUL byte at offset 12\); Longhand imports \.txt/,
    ],
    ['a .docx that is not a zip', 'fake.docx', 'just text', 'malformed', /^is not a readable \.docx \(/],
    ['a .docx with no text', 'blank.docx', () => makeDocx([]), 'empty', 'contains no text'],
    ['an .epub that is not a zip', 'fake.epub', 'just text', 'malformed', 'is not a readable .epub (not a zip archive)'],
    [
      'an .epub without container.xml',
      'broken.epub',
      () => makeEpub({ noContainer: true, chapters: [], spine: [] }),
      'malformed',
      'is not a readable .epub (no META-INF/container.xml)',
    ],
    [
      'a DRM-protected .epub',
      'drm.epub',
      () =>
        makeEpub({
          chapters: [{ id: 'a', href: 'a.xhtml', xhtml: 'garbage' }],
          spine: ['a'],
          extra: {
            'META-INF/encryption.xml':
              '<encryption><EncryptedData><CipherData><CipherReference URI="OEBPS/a.xhtml"/></CipherData></EncryptedData></encryption>',
          },
        }),
      'encrypted',
      /DRM-protected/,
    ],
  ])('%s', async (_label, name, content, code, reason, maxBytes) => {
    const file = await write(dir(), name, content);
    const error = await refusal(file, maxBytes);
    expect(error.code).toBe(code);
    if (typeof reason === 'string') expect(error.reason).toBe(reason);
    else expect(error.reason).toMatch(reason);
    expect(error.reason).not.toContain('\n');
    expect(error.file).toBe(file);
    expect(error.message).toBe(`${file}: ${error.reason}`);
  });

  it('a missing file and a directory', async () => {
    expect((await refusal(path.join(dir(), 'nope.txt'))).reason).toBe('no such file');
    fs.mkdirSync(path.join(dir(), 'folder.txt'));
    const error = await refusal(path.join(dir(), 'folder.txt'));
    expect([error.code, error.reason]).toEqual(['unreadable', 'is a directory']);
  });

  it.skipIf(process.getuid?.() === 0)('a file it may not read', async () => {
    const file = await write(dir(), 'secret.txt', 'hidden');
    fs.chmodSync(file, 0o000);
    expect((await refusal(file)).reason).toBe('permission denied');
  });

  it('an .epub under the limit on disk whose chapter unpacks to more (read from its directory)', async () => {
    const file = await write(dir(), 'long.epub', () =>
      makeEpub({ chapters: [{ id: 'a', href: 'a.xhtml', xhtml: xhtml(`<p>${'word '.repeat(2000)}</p>`) }], spine: ['a'] }),
    );
    const size = fs.statSync(file).size;
    const error = await refusal(file, size + 1);
    expect(error.code).toBe('too-large');
    expect(error.reason).toBe(`OEBPS/a.xhtml unpacks to 9.9 KiB, over the ${formatSize(size + 1)} import limit`);
  });
});
