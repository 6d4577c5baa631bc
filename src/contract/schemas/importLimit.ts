/**
 * The import limit: how big a writer's file may be — on disk, unpacked (.docx/.epub are zip archives) and as
 * text. Declared once, here in the contract, because every side meets it: the core refuses bigger files, the
 * transport is sized so a file at the limit crosses it (LIMITS.fileBytes, MAX_MESSAGE_BYTES), and the renderer
 * refuses a bigger file before reading it — all with the same words.
 */

/**
 * 50 MiB: far beyond any one book (a long novel is 1–2 MiB of text; ten of them in one .docx is ~60 MiB of
 * XML), while a mistaken pick (a video, a disk image) or a zip bomb is refused before it is read into memory.
 */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

/** "512 B", "2 KiB", "57.2 MiB": binary units, as the limit is written. */
export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * The one-line refusal for anything over the limit: `what` says what was measured ("is", "word/document.xml
 * unpacks to") → "is 57.2 MiB, over the 50 MiB import limit".
 */
export function importLimitReason(what: string, bytes: number, limit: number = MAX_IMPORT_BYTES): string {
  return `${what} ${formatSize(bytes)}, over the ${formatSize(limit)} import limit`;
}
