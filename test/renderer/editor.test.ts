import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/contract/index.js';
import { cleanAlternatives, completionContext, EditorModel, EditorPane } from './subjects.js';
import { deferred, fakeApi, settle } from './fakeApi.js';
import { corpus, draft } from './fixtures.js';

afterEach(() => vi.useRealTimers());

const completion = { delayMs: 250, alternatives: 3, maxTokens: 24 };

describe('EditorModel completions', () => {
  it('waits for a pause in typing and sends one request', async () => {
    vi.useFakeTimers();
    const fake = fakeApi({ 'generate.complete': () => ({ modelId: 4, alternatives: [{ text: ' a time', score: -1.2 }] }) });
    const model = new EditorModel(fake.api, { completion: () => completion });
    const first = model.suggest('Once');
    await vi.advanceTimersByTimeAsync(100);
    const second = model.suggest('Once up');
    await vi.advanceTimersByTimeAsync(100);
    const third = model.suggest('Once upon');
    expect(await first).toBeNull();
    expect(await second).toBeNull();
    expect(fake.inputs('generate.complete')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(250);
    expect(await third).toEqual([' a time']);
    expect(fake.inputs('generate.complete')).toEqual([{ text: 'Once upon', n: 3, maxTokens: 24 }]);
  });

  it('lets the model read the text while the writer types: one call in flight, then the newest text', async () => {
    vi.useFakeTimers();
    const gate = deferred<{ modelId: number; fed: number }>();
    const fake = fakeApi({
      'generate.prepare': (input) => (input.text === 'O' ? gate.promise : { modelId: 4, fed: 1 }),
      'generate.complete': () => ({ modelId: 4, alternatives: [] }),
    });
    const model = new EditorModel(fake.api, { completion: () => completion });
    void model.suggest('O');
    void model.suggest('On');
    void model.suggest('Onc');
    await vi.advanceTimersByTimeAsync(10);
    // 'On' was overtaken by 'Onc' while 'O' was being read.
    expect(fake.inputs('generate.prepare')).toEqual([{ text: 'O' }]);
    gate.resolve({ modelId: 4, fed: 1 });
    await vi.advanceTimersByTimeAsync(10);
    expect(fake.inputs('generate.prepare')).toEqual([{ text: 'O' }, { text: 'Onc' }]);
    // Asked for at once (the alternatives list), the completion reads the text itself.
    const now = model.suggest('Once', true);
    await vi.advanceTimersByTimeAsync(0);
    await now;
    expect(fake.inputs('generate.prepare')).toHaveLength(2);
    expect(fake.inputs('generate.complete')).toEqual([{ text: 'Once', n: 3, maxTokens: 24 }]);
  });

  it('keeps completing when reading ahead fails (no model chosen yet: the completion says so)', async () => {
    vi.useFakeTimers();
    const fake = fakeApi({
      'generate.prepare': () => {
        throw new ApiError('NotFound', 'No model is chosen for the editor: choose one in Models.');
      },
      'generate.complete': () => ({ modelId: 4, alternatives: [{ text: ' x', score: 0 }] }),
    });
    const model = new EditorModel(fake.api, { completion: () => completion });
    const answer = model.suggest('Once');
    await vi.advanceTimersByTimeAsync(250);
    expect(await answer).toEqual([' x']);
    expect(model.completionError).toBeNull();
  });

  it('cancels the request in flight when the text changes', async () => {
    vi.useFakeTimers();
    const pending = deferred<{ modelId: number; alternatives: { text: string; score: number }[] }>();
    const fake = fakeApi({ 'generate.complete': (input) => (input.text === 'Once' ? pending.promise : { modelId: 4, alternatives: [{ text: '!', score: 0 }] }) });
    const model = new EditorModel(fake.api, { completion: () => completion });
    const stale = model.suggest('Once');
    await vi.advanceTimersByTimeAsync(250);
    const completions = () => fake.calls.filter((c) => c.method === 'generate.complete');
    expect(completions()).toHaveLength(1);
    const fresh = model.suggest('Once upon');
    expect(completions()[0]!.signal.aborted).toBe(true);
    expect(await stale).toBeNull();
    pending.resolve({ modelId: 4, alternatives: [{ text: ' late', score: 0 }] });
    await vi.advanceTimersByTimeAsync(250);
    expect(await fresh).toEqual(['!']);
    expect(model.completionError).toBeNull();
  });

  it('asks at once when the alternatives are requested explicitly', async () => {
    const fake = fakeApi({ 'generate.complete': () => ({ modelId: 4, alternatives: [{ text: ' x', score: 0 }] }) });
    const model = new EditorModel(fake.api, { completion: () => ({ ...completion, delayMs: 5000 }) });
    expect(await model.suggest('Once', true)).toEqual([' x']);
  });

  it('reports why suggestions are unavailable, without throwing', async () => {
    const fake = fakeApi({
      'generate.complete': () => {
        throw new ApiError('Unavailable', 'No language model is set for the editor.');
      },
    });
    const model = new EditorModel(fake.api, { completion: () => completion });
    expect(await model.suggest('Once', true)).toBeNull();
    expect(model.completionError).toBe('No language model is set for the editor.');
  });

  it('sends a long text’s tail cut at 1000-character steps, so its start stays put while the writer types', async () => {
    expect(completionContext('short', 20_000)).toBe('short');
    const long = 'x'.repeat(20_000) + 'abc';
    const sent = completionContext(long, 20_000);
    expect(sent).toBe(long.slice(1000));
    // Typing 900 more characters keeps the same start (the model's session extends instead of re-reading).
    expect(completionContext(`${long}${'y'.repeat(900)}`, 20_000).startsWith(sent)).toBe(true);
    expect(completionContext(`${long}${'y'.repeat(1000)}`, 20_000)).toBe(`${long}${'y'.repeat(1000)}`.slice(2000));
    vi.useFakeTimers();
    const fake = fakeApi({ 'generate.complete': () => ({ modelId: 4, alternatives: [] }) });
    const model = new EditorModel(fake.api, { completion: () => completion });
    const text = 'word '.repeat(4500);
    const result = model.suggest(text, true);
    await vi.advanceTimersByTimeAsync(0);
    await result;
    expect(fake.inputs('generate.complete')).toEqual([{ text: text.slice(3000), n: 3, maxTokens: 24 }]);
  });

  it('keeps ghost text to one line and drops empty or repeated alternatives', () => {
    expect(cleanAlternatives([' a time\nand more', '', '\nnext', ' a time', ' the end'])).toEqual([' a time', ' the end']);
  });
});

describe('EditorModel drafts', () => {
  it('creates the draft on the first autosave, then saves it, debounced', async () => {
    vi.useFakeTimers();
    const fake = fakeApi({
      'documents.create': (input) => ({ ...draft, id: 9, title: input.title, text: input.text }),
      'documents.save': (input) => ({ id: input.id, title: input.title ?? '', updatedAt: '2025-03-01T10:05:00.000Z' }),
    });
    const model = new EditorModel(fake.api, { autosaveMs: 500 });
    model.edit('# A title\n\nHello');
    model.edit('# A title\n\nHello there');
    expect(model.saveState).toBe('unsaved');
    await vi.advanceTimersByTimeAsync(500);
    expect(fake.inputs('documents.create')).toEqual([{ title: 'A title', text: '# A title\n\nHello there' }]);
    expect(model.draftId).toBe(9);
    expect(model.saveState).toBe('saved');
    model.edit('# A title\n\nHello there, world');
    await vi.advanceTimersByTimeAsync(500);
    expect(fake.inputs('documents.save')).toEqual([
      { id: 9, title: 'A title', text: '# A title\n\nHello there, world', expectedUpdatedAt: draft.updatedAt },
    ]);
    expect(model.wordCount).toBe(5);
    expect(model.drafts[0]).toMatchObject({ id: 9, title: 'A title' });
  });

  it('keeps the text and offers a new draft when the draft changed elsewhere', async () => {
    const fake = fakeApi({
      'documents.open': () => draft,
      'documents.save': () => {
        throw new ApiError('Conflict', 'Draft 3 changed since it was opened.');
      },
      'documents.create': (input) => ({ ...draft, id: 10, text: input.text }),
    });
    const model = new EditorModel(fake.api);
    await model.open(3);
    model.edit('My version');
    await model.save();
    expect(model.saveState).toBe('error');
    expect(model.conflict).toBe(true);
    expect(model.text).toBe('My version');
    await model.saveAsNew();
    expect(model.draftId).toBe(10);
    expect(model.saveState).toBe('saved');
  });

  it('adds the draft to a corpus in one action', async () => {
    const fake = fakeApi({
      'documents.create': (input) => ({ ...draft, id: 9, text: input.text }),
      'documents.addToCorpus': () => ({ corpus: { ...corpus, name: 'Drafts' }, files: [{ name: 'A title', status: 'added', words: 2, documentId: 40 }] }),
    });
    const model = new EditorModel(fake.api);
    model.edit('Two words');
    await model.addToCorpus();
    expect(fake.inputs('documents.addToCorpus')).toEqual([{ id: 9, corpus: 'Drafts' }]);
    expect(model.status).toBe('Added to “Drafts” (2 words).');
    expect(model.target).toBe(corpus.id);
  });
});

describe('EditorPane', () => {
  it('shows the word count, save state and the add-to-corpus result', async () => {
    const fake = fakeApi({
      'documents.list': () => ({ documents: [{ id: 3, title: 'Chapter one', excerpt: 'It was', words: 6, updatedAt: draft.updatedAt }] }),
      'documents.open': () => draft,
      'corpora.list': () => ({ corpora: [corpus] }),
      'documents.addToCorpus': () => ({ corpus, files: [{ name: 'Chapter one', status: 'duplicate', reason: 'already in this corpus' }] }),
    });
    const model = new EditorModel(fake.api);
    await model.load();
    render(EditorPane, { props: { model } });
    expect(screen.getByRole('heading', { name: 'Editor' })).toBeInTheDocument();
    expect(screen.getByText('7 words')).toBeInTheDocument();
    expect(screen.getByText('Saved')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Draft text' })).toHaveTextContent('It was a dark night.');
    await fireEvent.change(screen.getByRole('combobox', { name: 'Target corpus' }), { target: { value: '1' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add to corpus' }));
    await settle();
    expect(screen.getByRole('status')).toHaveTextContent('Already in “Letters”: nothing to add.');
  });

  it('lists drafts and deletes one after confirmation', async () => {
    const fake = fakeApi({
      'documents.list': () => ({ documents: [{ id: 3, title: 'Chapter one', excerpt: '', words: 6, updatedAt: draft.updatedAt }] }),
      'documents.open': () => draft,
      'corpora.list': () => ({ corpora: [] }),
      'documents.delete': () => ({ deleted: true }),
    });
    const model = new EditorModel(fake.api);
    await model.load();
    render(EditorPane, { props: { model } });
    await fireEvent.click(screen.getByRole('button', { name: 'Drafts' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Delete draft “Chapter one”' }));
    expect(screen.getByRole('alertdialog', { name: 'Delete “Chapter one”?' })).toBeInTheDocument();
    expect(fake.inputs('documents.delete')).toHaveLength(0);
    await fireEvent.click(screen.getByRole('button', { name: 'Delete draft' }));
    await settle();
    expect(fake.inputs('documents.delete')).toEqual([{ id: 3 }]);
    expect(model.draftId).toBeNull();
  });
});
