/**
 * A language model's training text: documents handed over (a corpus's, read by the caller) or a file imported
 * on the fly through src/text/import (same refusals as `corpus add`, but nothing is added to the library), in
 * plain typography (src/text/typography.ts): every language model learns straight quotes and one dash, so a
 * fine-tuned model speaks like its parent and the editor restyles suggestions to the writer's own quotes. Its
 * identity is the sha256 of those documents joined with DOCUMENT_SEPARATOR: a resume refuses different text.
 */
import { createHash } from 'node:crypto';
import { importFile } from '../../text/import/index.js';
import { plainTypography } from '../../text/typography.js';
import { SetupError, oneLine } from '../errors.js';
import { DOCUMENT_SEPARATOR } from './data.js';

export type TextData = { kind: 'documents'; documents: string[] } | { kind: 'file'; path: string };

/** The documents to train on; SetupError (one line) for a file that cannot be read or imported. */
export async function loadText(data: TextData): Promise<{ documents: string[]; sha256: string }> {
  let documents: string[];
  if (data.kind === 'file') {
    try {
      documents = [(await importFile(data.path)).text];
    } catch (error) {
      // ImportError's message is already one line ("<file>: <reason>").
      throw new SetupError(oneLine(error));
    }
  } else {
    documents = data.documents;
  }
  documents = documents.map(plainTypography);
  if (documents.length === 0 || documents.every((d) => d.trim() === '')) throw new SetupError('the training text is empty');
  return { documents, sha256: corpusSha256(documents) };
}

export function corpusSha256(documents: readonly string[]): string {
  const hash = createHash('sha256');
  documents.forEach((doc, i) => {
    if (i > 0) hash.update(DOCUMENT_SEPARATOR, 'utf8');
    hash.update(doc, 'utf8');
  });
  return hash.digest('hex');
}
