/**
 * Reading the zip archives .docx and .epub files are, without trusting them. A 1.5 MB .docx can hold a
 * word/document.xml that unpacks to gigabytes (a "zip bomb"), so:
 *  - the central directory is read first, and an archive whose text parts (XML, XHTML…) say they unpack to
 *    more than the import limit, alone or together, is refused before anything is inflated;
 *  - every entry read counts against one budget (the import limit), and its inflate stream is capped at the
 *    size the directory gives it, so an archive whose directory lies stops after at most that many bytes.
 * Pictures and fonts are not counted up front: Longhand never unpacks them, and they cannot be bombs for us.
 */
import zlib from 'node:zlib';
import { ImportError } from './errors.js';
import { importLimitReason } from '../../contract/schemas/importLimit.js';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated (the only two Longhand reads). */
  method: number;
  flags: number;
  compressedSize: number;
  /** As the central directory gives it: checked, never trusted. */
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface ZipArchive {
  readonly entries: ReadonlyMap<string, ZipEntry>;
  has(name: string): boolean;
  /** The entry's bytes; throws ImportError (too-large or malformed). */
  read(name: string): Uint8Array;
  /** The entry as UTF-8 text, or undefined when the archive has no such entry. */
  readText(name: string): string | undefined;
}

export interface ZipOptions {
  /** The import limit: the most this archive may unpack to, in bytes. */
  maxBytes: number;
  /** Which format is being read, for messages: "is not a readable .docx (…)". */
  format: '.docx' | '.epub';
}

/** Parts that hold text (what Longhand unpacks); anything else is a picture, a font or a style sheet. */
const TEXT_PART = /\.(xml|rels|opf|ncx|xhtml|html?)$/i;

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

class Malformed extends Error {}

/** Reads the archive's directory and checks the declared sizes; nothing is inflated yet. */
export function openZip(file: string, bytes: Uint8Array, options: ZipOptions): ZipArchive {
  const malformed = (why: string): ImportError => new ImportError(file, 'malformed', `is not a readable ${options.format} (${why})`);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let entries: Map<string, ZipEntry>;
  try {
    entries = readCentralDirectory(buf);
  } catch (error) {
    if (error instanceof Malformed) throw malformed(error.message);
    throw error;
  }

  let textTotal = 0;
  for (const entry of entries.values()) {
    if (!TEXT_PART.test(entry.name)) continue;
    if (entry.uncompressedSize > options.maxBytes) {
      throw new ImportError(file, 'too-large', importLimitReason(`${entry.name} unpacks to`, entry.uncompressedSize, options.maxBytes));
    }
    textTotal += entry.uncompressedSize;
  }
  if (textTotal > options.maxBytes) {
    throw new ImportError(file, 'too-large', importLimitReason('its text parts unpack to', textTotal, options.maxBytes));
  }

  let budget = options.maxBytes;
  const counted = new Set<string>();
  const read = (name: string): Uint8Array => {
    const entry = entries.get(name);
    if (!entry) throw malformed(`${name} is missing`);
    if (entry.flags & 0x1) throw malformed('it is password-protected');
    // An entry read twice (mammoth may) costs its size once.
    const cost = counted.has(name) ? 0 : entry.uncompressedSize;
    if (cost > budget) {
      const total = options.maxBytes - budget + cost;
      throw new ImportError(file, 'too-large', importLimitReason('the parts read unpack to', total, options.maxBytes));
    }
    let data: Uint8Array;
    try {
      data = inflateEntry(buf, entry);
    } catch (error) {
      if (error instanceof Malformed) throw malformed(error.message);
      throw error;
    }
    budget -= cost;
    counted.add(name);
    return data;
  };
  return {
    entries,
    has: (name) => entries.has(name),
    read,
    readText: (name) => (entries.has(name) ? new TextDecoder('utf-8').decode(read(name)) : undefined),
  };
}

/** The entry's data, never more than its declared size: a longer stream is a lying directory, and is refused. */
function inflateEntry(buf: Buffer, entry: ZipEntry): Uint8Array {
  const at = entry.localHeaderOffset;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== SIG_LOCAL) throw new Malformed(`${entry.name} has no local header`);
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > buf.length) throw new Malformed(`${entry.name} runs past the end of the archive`);
  const raw = buf.subarray(start, end);
  const mismatch = (): Malformed => new Malformed(`${entry.name} is not the size the archive's directory says`);

  if (entry.method === 0) {
    if (raw.length !== entry.uncompressedSize) throw mismatch();
    return raw;
  }
  if (entry.method !== 8) throw new Malformed(`${entry.name} uses compression method ${entry.method}, which Longhand does not read`);
  let out: Buffer;
  try {
    // One byte more than declared, so a longer stream is seen (and stopped) rather than silently cut.
    out = zlib.inflateRawSync(raw, { maxOutputLength: entry.uncompressedSize + 1 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw mismatch();
    throw new Malformed(`${entry.name} cannot be unpacked: ${(error as Error).message}`);
  }
  if (out.length !== entry.uncompressedSize) throw mismatch();
  return out;
}

/** Name → entry, from the end-of-central-directory record (ZIP64 included). */
function readCentralDirectory(buf: Buffer): Map<string, ZipEntry> {
  const eocd = findEocd(buf);
  if (eocd < 0) throw new Malformed('not a zip archive');
  if (buf.readUInt16LE(eocd + 4) !== 0 || buf.readUInt16LE(eocd + 6) !== 0) throw new Malformed('it spans several disks');
  let count = buf.readUInt16LE(eocd + 10);
  let size = buf.readUInt32LE(eocd + 12);
  let offset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || buf.readUInt32LE(locator) !== SIG_ZIP64_LOCATOR) throw new Malformed('its ZIP64 directory is missing');
    const z64 = u64(buf, locator + 8);
    if (z64 + 56 > buf.length || buf.readUInt32LE(z64) !== SIG_ZIP64_EOCD) throw new Malformed('its ZIP64 directory is missing');
    count = u64(buf, z64 + 32);
    size = u64(buf, z64 + 40);
    offset = u64(buf, z64 + 48);
  }
  if (offset + size > buf.length) throw new Malformed('its directory runs past the end of the file');

  const entries = new Map<string, ZipEntry>();
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > offset + size || buf.readUInt32LE(at) !== SIG_CENTRAL) throw new Malformed('its directory is damaged');
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const next = at + 46 + nameLength + extraLength + commentLength;
    if (next > offset + size) throw new Malformed('its directory is damaged');
    const entry: ZipEntry = {
      // EPUB and OOXML names are UTF-8 (JSZip reads them so too, flag or no flag).
      name: buf.toString('utf8', at + 46, at + 46 + nameLength),
      flags: buf.readUInt16LE(at + 8),
      method: buf.readUInt16LE(at + 10),
      compressedSize: buf.readUInt32LE(at + 20),
      uncompressedSize: buf.readUInt32LE(at + 24),
      localHeaderOffset: buf.readUInt32LE(at + 42),
    };
    applyZip64Extra(buf.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), entry);
    if (!entry.name.endsWith('/')) entries.set(entry.name, entry);
    at = next;
  }
  return entries;
}

/** The last end-of-central-directory signature whose comment length reaches exactly to the end of the file. */
function findEocd(buf: Buffer): number {
  const last = buf.length - EOCD_SIZE;
  for (let at = last; at >= 0 && at >= last - MAX_COMMENT; at--) {
    if (buf.readUInt32LE(at) === SIG_EOCD && at + EOCD_SIZE + buf.readUInt16LE(at + 20) === buf.length) return at;
  }
  return -1;
}

/** ZIP64 extra field (id 1): 8-byte values for whichever 4-byte fields are 0xFFFFFFFF, in this order. */
function applyZip64Extra(extra: Buffer, entry: ZipEntry): void {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let p = at + 4;
      const end = p + length;
      const take = (): number => {
        if (p + 8 > end || p + 8 > extra.length) throw new Malformed(`${entry.name} has a damaged ZIP64 field`);
        const v = u64(extra, p);
        p += 8;
        return v;
      };
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = take();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = take();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = take();
      return;
    }
    at += 4 + length;
  }
}

/** An 8-byte little-endian size; past 2^53 it is only approximately right, which is still "too large". */
const u64 = (buf: Buffer, at: number): number => Number(buf.readBigUInt64LE(at));
