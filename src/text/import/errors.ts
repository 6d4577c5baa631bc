/** Why a file was refused: a machine-readable code and a one-line reason to show the writer. */

export type ImportErrorCode =
  | 'unreadable' // missing, a directory, no permission
  | 'unsupported' // an extension Longhand does not import
  | 'too-large'
  | 'empty' // no bytes, or only whitespace
  | 'binary'
  | 'encoding' // not UTF-8 (or UTF-16/32)
  | 'malformed' // a .docx/.epub that cannot be read
  | 'encrypted'; // a DRM-protected .epub

export class ImportError extends Error {
  constructor(
    readonly file: string,
    readonly code: ImportErrorCode,
    /** One line, no file name: "looks binary (NUL byte at offset 12)". */
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ImportError';
  }
}
