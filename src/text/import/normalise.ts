/** Normalisation every imported text goes through, whatever its format. */

/** CRLF and lone CR become LF; a leading byte order mark is dropped. */
export function normaliseText(text: string): string {
  const noBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return noBom.replace(/\r\n?/g, '\n');
}

/**
 * For text extracted from .docx/.epub: at most one blank line between paragraphs, none at either end, no
 * trailing spaces (the extractors' spacing is an artefact, not the writer's).
 */
export function tidyExtracted(text: string): string {
  return normaliseText(text)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\s+$/g, '');
}

export function isBlank(text: string): boolean {
  return !/\S/.test(text);
}
