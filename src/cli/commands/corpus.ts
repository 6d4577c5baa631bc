/**
 * `longhand corpus add|list|show|remove`: the texts Longhand learns from.
 *
 * `add` imports each file in its own transaction, so one refused file (printed as a one-line reason on
 * stderr, exit code 1) never loses the accepted ones. A file whose normalised text is already in the corpus is
 * skipped and reported, which is not an error (exit 0): adding a folder twice is harmless. Without --name,
 * files go to the corpus named "default", so repeated adds accumulate in one place; a corpus is created
 * with its first accepted document.
 */
import { InvalidArgumentError } from 'commander';
import type { CorpusSummary, DocumentSummary } from '../../store/index.js';
import { importFile, ImportError } from '../../text/import/index.js';
import type { Register } from '../io.js';
import { findCorpus, mustFind, withStore } from '../store.js';

export const DEFAULT_CORPUS = 'default';

interface AddedEntry extends DocumentSummary {
  file: string;
}
interface SkippedEntry {
  file: string;
  reason: 'duplicate';
  /** The document already holding this text. */
  existing: DocumentSummary;
}
interface RefusedEntry {
  file: string;
  code: string;
  reason: string;
}

export const registerCorpus: Register = (program, io, setExit) => {
  const corpus = program.command('corpus').description('manage the texts Longhand learns from');

  corpus
    .command('add')
    .description(`import .txt, .md, .docx or .epub files into a corpus (created if missing)`)
    .argument('<files...>', 'files to import')
    .option('-n, --name <name>', 'corpus to add to', parseCorpusName, DEFAULT_CORPUS)
    .option('--json', 'print one JSON object')
    .action(async (files: string[], opts: { name: string; json?: boolean }) => {
      await withStore(io, async (store) => {
        const added: AddedEntry[] = [];
        const skipped: SkippedEntry[] = [];
        const refused: RefusedEntry[] = [];
        for (const file of files) {
          let doc;
          try {
            doc = await importFile(file);
          } catch (error) {
            // Any failure to read one file refuses that file only; the batch goes on.
            const entry = error instanceof ImportError
              ? { file, code: error.code, reason: error.reason }
              : { file, code: 'error', reason: error instanceof Error ? error.message : String(error) };
            refused.push(entry);
            io.err(`longhand: refused ${file}: ${entry.reason}\n`);
            continue;
          }
          const result = store.transaction(() => {
            const target = store.corpora.getOrCreate(opts.name);
            return store.documents.add(target.id, { title: doc.title, text: doc.text, sourcePath: doc.sourcePath });
          });
          if (result.status === 'added') added.push({ file, ...result.document });
          else skipped.push({ file, reason: 'duplicate', existing: result.document });
        }
        const summary = findCorpus(store, opts.name);
        if (opts.json) {
          io.out(`${JSON.stringify({ corpus: summary ?? null, added, skipped, refused })}\n`);
        } else {
          for (const a of added) io.out(`added ${a.file} as "${a.title}" (${count(a.wordCount, 'word')})\n`);
          for (const s of skipped) {
            io.out(`skipped ${s.file}: already in corpus "${opts.name}" as "${s.existing.title}"\n`);
          }
          if (summary) io.out(`${describe(summary)}\n`);
        }
        if (refused.length > 0) setExit(1);
      });
    });

  corpus
    .command('list')
    .description('list corpora with their statistics')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      await withStore(io, (store) => {
        const corpora = store.corpora.list();
        if (opts.json) return io.out(`${JSON.stringify({ corpora })}\n`);
        if (corpora.length === 0) return io.out('No corpora yet. Add texts with: longhand corpus add FILE...\n');
        io.out(
          table(
            ['NAME', 'DOCUMENTS', 'WORDS', 'CHARACTERS', 'DISTINCT'],
            corpora.map((c) => [c.name, num(c.documents), num(c.words), num(c.characters), num(c.distinctCharacters)]),
          ),
        );
      });
    });

  corpus
    .command('show')
    .description("show a corpus's statistics and documents")
    .argument('<name>', 'corpus name')
    .option('--json', 'print one JSON object')
    .action(async (name: string, opts: { json?: boolean }) => {
      await withStore(io, (store) => {
        const summary = mustFind(store, name);
        const documents = store.documents.list(summary.id);
        if (opts.json) return io.out(`${JSON.stringify({ corpus: summary, documents })}\n`);
        io.out(`${describe(summary)}\ncreated ${summary.createdAt}\n\n`);
        io.out(
          table(
            ['ID', 'WORDS', 'CHARACTERS', 'TITLE', 'SOURCE'],
            documents.map((d) => [String(d.id), num(d.wordCount), num(d.charCount), d.title, d.sourcePath ?? '']),
          ),
        );
      });
    });

  corpus
    .command('remove')
    .description('delete a corpus and its documents (runs trained on it are kept)')
    .argument('<name>', 'corpus name')
    .option('--json', 'print one JSON object')
    .action(async (name: string, opts: { json?: boolean }) => {
      await withStore(io, (store) => {
        const summary = mustFind(store, name);
        store.corpora.remove(summary.id);
        if (opts.json) return io.out(`${JSON.stringify({ removed: summary })}\n`);
        io.out(`removed corpus "${summary.name}" (${count(summary.documents, 'document')})\n`);
      });
    });
};

export function parseCorpusName(value: string): string {
  const name = value.trim();
  if (!name) throw new InvalidArgumentError('a corpus name cannot be empty.');
  if (name.length > 200) throw new InvalidArgumentError('a corpus name can have at most 200 characters.');
  if (/\p{Cc}/u.test(name)) throw new InvalidArgumentError('a corpus name cannot contain control characters.');
  return name;
}

const numberFormat = new Intl.NumberFormat('en-US');
const num = (n: number): string => numberFormat.format(n);
const count = (n: number, noun: string): string => `${num(n)} ${noun}${n === 1 ? '' : 's'}`;

function describe(c: CorpusSummary): string {
  return (
    `corpus "${c.name}": ${count(c.documents, 'document')}, ${count(c.words, 'word')}, ` +
    `${count(c.characters, 'character')}, ${num(c.distinctCharacters)} distinct`
  );
}

/** Left-aligned text columns, right-aligned numbers. */
function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[\d,]+$/.test(r[i] ?? '')));
  return all
    .map((r) =>
      r.map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd(),
    )
    .join('\n')
    .concat('\n');
}
