/**
 * .epub → text: META-INF/container.xml names the OPF package; its spine gives the reading order of XHTML
 * chapters, whose text is joined with blank lines. The title comes from the package's dc:title. The archive
 * is read through zip.ts, which refuses zip bombs and unpacks nothing past the import limit.
 */
import path from 'node:path';
import { ImportError } from './errors.js';
import { tokens, xhtmlToText, decodeEntities, type Tag } from './xhtml.js';
import { openZip, type ZipArchive } from './zip.js';

export interface ExtractedBook {
  title: string | undefined;
  text: string;
}

const CHAPTER_TYPES = new Set(['application/xhtml+xml', 'text/html', 'application/html']);

export function extractEpub(file: string, bytes: Uint8Array, maxBytes: number): ExtractedBook {
  const malformed = (why: string): ImportError => new ImportError(file, 'malformed', `is not a readable .epub (${why})`);
  const zip = openZip(file, bytes, { maxBytes, format: '.epub' });
  const read = (name: string): string | undefined => zip.readText(name);

  const container = read('META-INF/container.xml');
  if (container === undefined) throw malformed('no META-INF/container.xml');
  const opfPath = tags(container).find((t) => t.name === 'rootfile' && t.attrs['full-path'])?.attrs['full-path'];
  if (!opfPath) throw malformed('container.xml names no package file');
  const opf = read(opfPath);
  if (opf === undefined) throw malformed(`package file ${opfPath} is missing`);

  const base = path.posix.dirname(opfPath);
  const manifest = new Map<string, { href: string; type: string }>();
  const spine: string[] = [];
  for (const t of tags(opf)) {
    if (t.name === 'item' && !t.closing && t.attrs.id && t.attrs.href) {
      manifest.set(t.attrs.id, { href: resolveHref(base, t.attrs.href), type: t.attrs['media-type'] ?? '' });
    } else if (t.name === 'itemref' && !t.closing && t.attrs.idref) spine.push(t.attrs.idref);
  }
  // Non-linear spine items (notes, asides) are kept too: they are still the writer's text.
  const chapters = spine
    .map((id) => manifest.get(id))
    .filter((item): item is { href: string; type: string } => item !== undefined && CHAPTER_TYPES.has(item.type))
    .map((item) => item.href);
  if (chapters.length === 0) throw malformed('its spine lists no XHTML chapters');

  if (isEncrypted(zip, chapters)) {
    throw new ImportError(file, 'encrypted', 'is DRM-protected; Longhand can only import unencrypted books');
  }

  const texts: string[] = [];
  for (const href of chapters) {
    const xhtml = read(href); // a missing chapter is skipped: import what the book does contain
    if (xhtml !== undefined) texts.push(xhtmlToText(xhtml));
  }
  return { title: packageTitle(opf), text: texts.filter(Boolean).join('\n\n') };
}

function tags(xml: string): Tag[] {
  const out: Tag[] = [];
  for (const t of tokens(xml)) if (t.kind === 'tag') out.push(t.tag);
  return out;
}

function resolveHref(base: string, href: string): string {
  const withoutFragment = href.split('#')[0] ?? '';
  let decoded = withoutFragment;
  try {
    decoded = decodeURIComponent(withoutFragment);
  } catch {
    // not percent-encoded after all
  }
  return path.posix.normalize(path.posix.join(base, decoded)).replace(/^\.\//, '');
}

/** The first dc:title's text. */
function packageTitle(opf: string): string | undefined {
  let inTitle = false;
  let title = '';
  for (const t of tokens(opf)) {
    if (t.kind === 'tag' && t.tag.name === 'title') {
      if (!t.tag.closing) inTitle = true;
      else if (inTitle) break;
    } else if (t.kind === 'text' && inTitle) title += t.text;
  }
  const clean = decodeEntities(title).replace(/\s+/g, ' ').trim();
  return clean || undefined;
}

/** True if META-INF/encryption.xml encrypts a chapter (font obfuscation alone is harmless). */
function isEncrypted(zip: ZipArchive, chapters: string[]): boolean {
  const xml = zip.readText('META-INF/encryption.xml');
  if (xml === undefined) return false;
  const encrypted = new Set(
    tags(xml)
      .filter((t) => t.name === 'cipherreference' && t.attrs.uri)
      .map((t) => resolveHref('.', t.attrs.uri ?? '')),
  );
  return chapters.some((href) => encrypted.has(href));
}
