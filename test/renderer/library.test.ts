import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { ApiError, MAX_IMPORT_BYTES } from '../../src/contract/index.js';
import { LibraryModel, type FileSource, LibraryPane, refusalReason } from './subjects.js';
import { deferred, fakeApi, settle } from './fakeApi.js';
import { corpus, stats } from './fixtures.js';

const doc = { id: 5, corpusId: 1, title: 'To Anna, 1921', characters: 4000, words: 760, bytes: 4100, sourcePath: null, addedAt: corpus.createdAt };

function service(extra: Parameters<typeof fakeApi>[0] = {}) {
  return fakeApi({
    'corpora.list': () => ({ corpora: [corpus] }),
    'corpora.stats': () => stats,
    'corpora.documents': () => ({ documents: [doc], total: 1 }),
    'corpora.preview': () => ({ document: doc, text: 'Dear Anna,\nThe snow has come.', truncated: true }),
    ...extra,
  });
}

/** An import result per file name: .txt added, dup.txt a duplicate, anything else refused. */
const importFiles = ({ files }: { files: { name: string }[] }) => {
  const name = files[0]!.name;
  const line =
    name === 'dup.txt'
      ? { name, status: 'duplicate' as const, reason: 'already in this corpus' }
      : name.endsWith('.txt')
        ? { name, status: 'added' as const, words: 120, documentId: 8 }
        : { name, status: 'refused' as const, reason: 'not a text file Longhand can read (.png)' };
  return { corpus: { ...corpus, documents: corpus.documents + 1 }, files: [line] };
};

describe('LibraryPane', () => {
  it('shows corpus statistics and previews a document', async () => {
    const fake = service();
    const model = new LibraryModel(fake.api);
    await model.load();
    render(LibraryPane, { props: { model } });
    const statsList = screen.getByLabelText('Statistics');
    const text = within(statsList).getAllByRole('definition').map((d) => d.textContent);
    expect(text).toEqual(['12', '48,210', '9,120', '71', '48 KB']);
    expect(within(statsList).getByText('Distinct characters')).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'To Anna, 1921' }));
    await settle();
    expect(screen.getByRole('heading', { name: 'To Anna, 1921' })).toBeInTheDocument();
    expect(screen.getByText(/The snow has come/)).toBeInTheDocument();
    expect(screen.getByText('Showing the beginning of the document.')).toBeInTheDocument();
  });

  it('imports picked files one by one and says what happened to each', async () => {
    const fake = service({ 'corpora.importFiles': importFiles });
    const model = new LibraryModel(fake.api);
    await model.load();
    render(LibraryPane, { props: { model } });
    const files = [new File(['hello there'], 'notes.txt'), new File(['hello'], 'dup.txt'), new File([new Uint8Array([137, 80])], 'scan.png')];
    await fireEvent.change(screen.getByLabelText('Files to import'), { target: { files } });
    await waitFor(() => expect(model.importing).toBe(false));
    const list = screen.getByRole('list', { name: 'Imported files' });
    expect(within(list).getAllByRole('listitem').map((li) => li.textContent?.trim())).toEqual([
      'notes.txt added — 120 words',
      'dup.txt skipped: already in this corpus',
      'scan.png refused: not a text file Longhand can read (.png)',
    ]);
    const sent = fake.inputs('corpora.importFiles');
    expect(sent.map((i) => i.files.map((f) => f.name))).toEqual([['notes.txt'], ['dup.txt'], ['scan.png']]);
    expect(sent[0]).toEqual({ corpus: 1, files: [{ name: 'notes.txt', contentBase64: btoa('hello there') }] });
    expect(screen.getByText('1 file added of 3.')).toBeInTheDocument();
  });

  it('shows per-file progress while reading and importing', async () => {
    const upload = deferred<ReturnType<typeof importFiles>>();
    const fake = service({ 'corpora.importFiles': () => upload.promise });
    const model = new LibraryModel(fake.api);
    await model.load();
    render(LibraryPane, { props: { model } });
    let report: (f: number) => void = () => {};
    const reading = deferred<string>();
    const big: FileSource = {
      name: 'novel.txt',
      size: 5_000_000,
      read: (onProgress) => {
        report = onProgress;
        return reading.promise;
      },
    };
    const done = model.importFiles([big]);
    await settle();
    report(0.5);
    await settle();
    expect(screen.getByRole('progressbar', { name: 'Reading novel.txt' })).toHaveAttribute('value', '0.5');
    reading.resolve('aGk=');
    await settle();
    expect(screen.getByRole('progressbar', { name: 'Importing novel.txt' })).toBeInTheDocument();
    upload.resolve(importFiles({ files: [{ name: 'novel.txt' }] }));
    await done;
    expect(screen.getByText('novel.txt added — 120 words')).toBeInTheDocument();
  });

  it('refuses oversize files and service rejections with one line each, and creates a corpus by name', async () => {
    const fake = fakeApi({
      'corpora.list': () => ({ corpora: [] }),
      'corpora.importFiles': ({ files }) => {
        // What the service says when nothing could be imported into a corpus that does not exist yet.
        if (files[0]!.name === 'bad.txt') throw new ApiError('ValidationError', 'Nothing was imported (bad.txt: is not valid UTF-8 (bad byte 0xE9 at offset 3)).');
        return { corpus: { ...corpus, name: 'Poems' }, files: [{ name: files[0]!.name, status: 'added', words: 3 }] };
      },
      'corpora.stats': () => ({ ...stats, name: 'Poems' }),
      'corpora.documents': () => ({ documents: [], total: 0 }),
    });
    const model = new LibraryModel(fake.api);
    await model.load();
    model.newCorpusName = 'Poems';
    const source = (name: string, size = 10): FileSource => ({ name, size, read: async () => 'aGk=' });
    await model.importFiles([source('huge.txt', 60_000_000), source('bad.txt'), source('a.txt'), source('b.txt')]);
    expect(model.imports.map((i) => i.line)).toEqual([
      // The import limit and the words the core and the CLI use (test/unit/cli/corpus.test.ts).
      'huge.txt refused: is 57.2 MiB, over the 50 MiB import limit',
      'bad.txt refused: is not valid UTF-8 (bad byte 0xE9 at offset 3)',
      'a.txt added — 3 words',
      'b.txt added — 3 words',
    ]);
    expect(fake.inputs('corpora.importFiles').map((i) => i.corpus)).toEqual(['Poems', 'Poems', 1]);
    expect(model.selectedId).toBe(1);
  });

  it('sends a file at the import limit (not a smaller transport limit) and refuses one a byte over unread', async () => {
    const fake = service({ 'corpora.importFiles': importFiles });
    const model = new LibraryModel(fake.api);
    await model.load();
    const reads: string[] = [];
    const source = (name: string, size: number): FileSource => ({ name, size, read: async () => (reads.push(name), 'aGk=') });
    await model.importFiles([source('at-limit.txt', MAX_IMPORT_BYTES), source('over.txt', MAX_IMPORT_BYTES + 1)]);
    expect(reads).toEqual(['at-limit.txt']);
    expect(fake.inputs('corpora.importFiles').map((i) => i.files[0]!.name)).toEqual(['at-limit.txt']);
    expect(model.imports.map((i) => i.line)).toEqual([
      'at-limit.txt added — 120 words',
      'over.txt refused: is 50.0 MiB, over the 50 MiB import limit',
    ]);
  });

  it('shows a corpus changed elsewhere (the app menu’s import) without losing the open preview', async () => {
    let documents = 12;
    const fake = service({
      'corpora.list': () => ({ corpora: [{ ...corpus, documents }] }),
      'corpora.stats': () => ({ ...stats, documents }),
    });
    const model = new LibraryModel(fake.api);
    await model.load();
    render(LibraryPane, { props: { model } });
    await model.openPreview(doc.id);
    const listed = () => fake.inputs('corpora.list').length;
    const before = listed();

    documents = 13;
    fake.emit({ name: 'corpora.changed', payload: { corpusId: corpus.id } });
    fake.emit({ name: 'corpora.changed', payload: { corpusId: corpus.id } });
    await waitFor(() => expect(within(screen.getByLabelText('Statistics')).getAllByRole('definition')[0]).toHaveTextContent('13'));
    expect(listed()).toBe(before + 1); // two events, one refresh
    expect(model.preview?.document.id).toBe(doc.id);
    model.dispose();
  });

  it('removes a corpus only after confirmation', async () => {
    const fake = service({ 'corpora.remove': () => ({ deleted: true }) });
    const model = new LibraryModel(fake.api);
    await model.load();
    render(LibraryPane, { props: { model } });

    await fireEvent.click(screen.getByRole('button', { name: 'Remove corpus' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Remove “Letters”?' });
    expect(dialog).toHaveAccessibleDescription(/12 documents will be deleted/);
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(fake.inputs('corpora.remove')).toHaveLength(0);

    await fireEvent.click(screen.getByRole('button', { name: 'Remove corpus' }));
    await fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Remove corpus' }));
    await settle();
    expect(fake.inputs('corpora.remove')).toEqual([{ corpusId: 1 }]);
    expect(screen.getByText('Removed “Letters”.')).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Letters' })).toBeNull();
  });

  it('closes the confirmation with Escape', async () => {
    const model = new LibraryModel(service().api);
    await model.load();
    render(LibraryPane, { props: { model } });
    await fireEvent.click(screen.getByRole('button', { name: 'Remove corpus' }));
    await fireEvent.keyDown(screen.getByRole('alertdialog'), { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('keeps the reason of a refusal without repeating the file name, and other messages whole', () => {
    expect(refusalReason('Nothing was imported (a.pdf: unsupported file type .pdf (Longhand imports .txt)).', 'a.pdf')).toBe(
      'unsupported file type .pdf (Longhand imports .txt)',
    );
    expect(refusalReason('Nothing was imported (a.pdf: x; b.pdf: y).', 'c.pdf')).toBe('Nothing was imported (a.pdf: x; b.pdf: y).');
    expect(refusalReason('The worker is restarting.', 'a.pdf')).toBe('The worker is restarting.');
  });
});
