import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { ApiError, SUMMARY_DECODING, type ApiHandlers, type Preset } from '../../src/contract/index.js';
import { SummarizerModel, SummarizerPane, SummarizerSetupModel, smallestSeq2seqPreset, type SetupDestination } from './subjects.js';
import { fakeApi, settle } from './fakeApi.js';
import { corpus, draft, presets, run } from './fixtures.js';

const result = {
  modelId: 12,
  summary: 'Storm hits coast',
  sourceTokens: ['A', 'storm', 'hit', 'the', 'coast', 'today'],
  summaryTokens: ['Storm', 'hits', 'coast'],
  attention: [
    [0.05, 0.8, 0.05, 0.03, 0.04, 0.03],
    [0.02, 0.1, 0.7, 0.08, 0.05, 0.05],
    [0.01, 0.02, 0.02, 0.05, 0.85, 0.05],
  ],
  score: -3.2,
  truncated: false,
};

function setup(selection = '') {
  const fake = fakeApi({
    'generate.summarize': () => result,
    'documents.list': () => ({ documents: [{ id: 3, title: 'Chapter one', excerpt: '', words: 7, updatedAt: draft.updatedAt }] }),
    'documents.open': () => draft,
  });
  const model = new SummarizerModel(fake.api, { selection: () => selection });
  render(SummarizerPane, { props: { model, setup: new SummarizerSetupModel(fake.api) } });
  return { fake, model };
}

describe('SummarizerPane', () => {
  it('summarizes pasted text with the beam settings', async () => {
    const { fake } = setup();
    await fireEvent.input(screen.getByRole('textbox', { name: 'Text to summarize' }), { target: { value: 'A storm hit the coast today.' } });
    await fireEvent.input(screen.getByRole('spinbutton', { name: 'Beam size' }), { target: { value: '6' } });
    await fireEvent.input(screen.getByRole('spinbutton', { name: 'Length penalty' }), { target: { value: '1.4' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Summarize' }));
    await settle();
    expect(fake.inputs('generate.summarize')).toEqual([{ text: 'A storm hit the coast today.', beam: 6, lengthPenalty: 1.4 }]);
    expect(screen.getByText('Storm hits coast')).toBeInTheDocument();
  });

  it('asks for the pane defaults of the one decoding set, and a minimum or maximum length only when the writer gives one', async () => {
    const { fake } = setup();
    expect((screen.getByRole('spinbutton', { name: 'Maximum length' }) as HTMLInputElement).value).toBe('');
    expect((screen.getByRole('spinbutton', { name: 'Minimum length' }) as HTMLInputElement).value).toBe('');
    await fireEvent.input(screen.getByRole('textbox', { name: 'Text to summarize' }), { target: { value: 'A storm hit the coast today.' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Summarize' }));
    await settle();
    await fireEvent.input(screen.getByRole('spinbutton', { name: 'Maximum length' }), { target: { value: '50' } });
    await fireEvent.input(screen.getByRole('spinbutton', { name: 'Minimum length' }), { target: { value: '30' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Summarize' }));
    await settle();
    const text = 'A storm hit the coast today.';
    expect(fake.inputs('generate.summarize')).toEqual([
      { text, beam: SUMMARY_DECODING.beam, lengthPenalty: SUMMARY_DECODING.lengthPenalty },
      { text, beam: SUMMARY_DECODING.beam, lengthPenalty: SUMMARY_DECODING.lengthPenalty, minLength: 30, maxLength: 50 },
    ]);
  });

  it('renders one heatmap cell per summary × source token, each with its weight', async () => {
    const { container } = { container: null };
    void container;
    setup('The storm');
    await fireEvent.click(screen.getByRole('radio', { name: 'Editor selection' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Summarize' }));
    await settle();
    const heatmap = screen.getByRole('img', { name: 'Attention heatmap: 3 summary tokens by 6 source tokens' });
    const cells = heatmap.querySelectorAll('rect.cell');
    expect(cells).toHaveLength(18);
    expect(cells[1]!.querySelector('title')?.textContent).toBe('Storm → storm: 0.800');
    expect(cells[17]!.querySelector('title')?.textContent).toBe('coast → today: 0.050');
  });

  it('highlights what a summary token attended to when hovered or focused', async () => {
    setup('The storm');
    await fireEvent.click(screen.getByRole('radio', { name: 'Editor selection' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Summarize' }));
    await settle();
    const tokens = within(screen.getByRole('group', { name: 'Summary tokens' }));
    await fireEvent.mouseEnter(tokens.getByRole('button', { name: 'hits' }));
    expect(tokens.getByRole('button', { name: 'hits' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByText('hit')).toHaveAttribute('title', 'weight 0.700');
    expect(screen.getByText(/drew most on/)).toHaveTextContent('“hits” drew most on “hit” (70%), “storm” (10%), “the” (8%).');
    await fireEvent.focus(tokens.getByRole('button', { name: 'coast' }));
    expect(screen.getByText('today')).toHaveAttribute('title', 'weight 0.050');
  });

  it('summarizes a chosen draft, and says when the selection is empty', async () => {
    const { fake, model } = setup('');
    await fireEvent.click(screen.getByRole('radio', { name: 'Editor selection' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Summarize' }));
    await settle();
    expect(screen.getByRole('alert')).toHaveTextContent('Select some text in the editor first.');
    await model.loadDrafts();
    await fireEvent.click(screen.getByRole('radio', { name: 'A draft' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Summarize' }));
    await settle();
    expect(fake.inputs('generate.summarize')[0]?.text).toBe(draft.text);
  });
});

const seq2seqConfig = {
  level: 'word',
  vocabSize: 8000,
  embed: 64,
  hidden: 128,
  layers: 1,
  cell: 'lstm',
  batch: 32,
  lr: 0.001,
  dropout: 0.1,
  budget: { epochs: 5 },
  attention: 'bahdanau',
  copy: true,
  coverage: false,
  maxSourceLen: 200,
  maxTargetLen: 40,
} as const;

/** Two encoder–decoder presets, the larger listed first: the card takes the smaller. */
const seq2seqPresets = {
  backend: 'wasm',
  presets: [
    { kind: 'seq2seq', name: 'medium', label: 'Medium', description: 'better', config: { ...seq2seqConfig, hidden: 256, vocabSize: 16000 }, estimates: [] },
    { kind: 'seq2seq', name: 'small', label: 'Small', description: 'quick', config: seq2seqConfig, estimates: [] },
  ],
} satisfies { backend: string; presets: Preset[] };

/** Made after Letters: the card starts with it (the newest corpus, not the starter a first run imports). */
const novel = { ...corpus, id: 2, name: 'The Crossing', words: 82_000, createdAt: '2025-03-02T09:00:00.000Z' };
const NOTHING_TO_MINE =
  '“The Crossing”: no summary pairs could be mined from the corpus (its 12 documents have no paragraphs of two or more sentences and no sections under headings); use a pairs file instead.';

async function noModel(handlers: Partial<ApiHandlers> = {}) {
  const fake = fakeApi({
    'documents.list': () => ({ documents: [] }),
    'corpora.list': () => ({ corpora: [corpus, novel] }),
    'presets.list': () => seq2seqPresets,
    'runs.estimate': (input) => {
      const mined = input.kind === 'seq2seq' && input.pairs.kind === 'mined' ? input.pairs.corpusId : 0;
      return { seconds: mined === novel.id ? 1500 : 300, backend: 'wasm', tokensPerSecond: 1200, basis: 'documented', tokensPerEpoch: 30_000 };
    },
    'runs.start': (input) =>
      run({ id: 9, name: input.name!, kind: 'seq2seq', config: { ...seq2seqConfig, pairs: { kind: 'mined', corpusId: 2 }, task: 'summarize' } }),
    ...handlers,
  });
  const setup = new SummarizerSetupModel(fake.api);
  const went: SetupDestination[] = [];
  render(SummarizerPane, { props: { model: new SummarizerModel(fake.api), setup, hasModel: false, ongo: (d: SetupDestination) => went.push(d) } });
  await setup.load();
  await settle();
  return { fake, setup, went };
}

const card = () => within(screen.getByRole('region', { name: 'Train a summarizer on your writing' }));

describe('SummarizerPane without a model', () => {
  it('offers the writer’s corpora, with the estimate and what the model learns for the chosen one', async () => {
    const { fake } = await noModel();
    expect(screen.getByText(/^No summarizer model is chosen yet\./)).toBeInTheDocument();
    const corpora = card().getByRole('combobox', { name: 'Corpus' });
    expect(within(corpora).getAllByRole('option').map((o) => o.textContent)).toEqual(['Letters', 'The Crossing']);
    expect(corpora).toHaveValue('2');
    expect(fake.inputs('presets.list')).toEqual([{ kind: 'seq2seq' }]);
    expect(fake.inputs('runs.estimate')).toEqual([
      { kind: 'seq2seq', pairs: { kind: 'mined', corpusId: 2 }, task: 'summarize', preset: 'small', name: 'The Crossing summarizer' },
    ]);
    expect(card().getByText(/^Training takes/)).toHaveTextContent(
      'Training takes about 25 min on wasm (at a typical speed; your first run here measures this machine).',
    );
    expect(card().getByText(/^Longhand pairs/)).toHaveTextContent(
      'Longhand pairs each section of “The Crossing” with its heading, and each paragraph of two or more sentences with its first sentence, ' +
        'which gives roughly 30,000 words to learn from. ' +
        'So the model learns to write a heading or an opening line for a passage: a one-line gist, not a faithful summary of a long text, and rough after a short run.',
    );
    expect(card().queryByText(/has only/)).toBeNull();

    await fireEvent.change(corpora, { target: { value: '1' } });
    await settle();
    expect(fake.inputs('runs.estimate').at(-1)).toMatchObject({ pairs: { kind: 'mined', corpusId: 1 }, name: 'Letters summarizer' });
    expect(card().getByText(/^Training takes/)).toHaveTextContent(/^Training takes about 5 min on wasm/);
    expect(card().getByText(/^Longhand pairs each section of “Letters”/)).toBeInTheDocument();
    // Letters has fewer than 10,000 words: the same warning as in Training.
    expect(card().getByText(/has only 9,120 words/)).toBeInTheDocument();
  });

  it('starts the run it estimated in one click, and says where to follow it', async () => {
    const { fake, went } = await noModel();
    await fireEvent.click(card().getByRole('button', { name: 'Start training' }));
    await settle();
    expect(fake.inputs('runs.start')).toEqual([
      { kind: 'seq2seq', pairs: { kind: 'mined', corpusId: 2 }, task: 'summarize', preset: 'small', name: 'The Crossing summarizer' },
    ]);
    expect(card().getByRole('status')).toHaveTextContent('Training started: follow it in Training; when it finishes, choose it under Models in use.');
    expect(card().getByRole('button', { name: 'Start training' })).toBeDisabled();
    await fireEvent.click(card().getByRole('button', { name: 'Go to Training' }));
    expect(went).toEqual([{ to: 'run', runId: 9 }]);
  });

  it('after a restart, shows the summarizer run still queued for the corpus instead of offering another', async () => {
    const queued = run({ id: 5, name: 'The Crossing summarizer', kind: 'seq2seq', status: 'queued', corpusId: 2, config: { ...seq2seqConfig, pairs: { kind: 'mined', corpusId: 2 }, task: 'summarize' } });
    const dialogue = run({ id: 6, name: 'Letters dialogue', kind: 'seq2seq', status: 'running', corpusId: 1, config: { ...seq2seqConfig, pairs: { kind: 'mined', corpusId: 1 }, task: 'dialogue' } });
    const { fake, went } = await noModel({ 'runs.list': () => ({ runs: [queued, dialogue] }) });
    expect(fake.inputs('runs.list')).toEqual([{ kind: 'seq2seq', status: ['queued', 'running', 'paused'], limit: 100 }]);
    expect(card().getByRole('status')).toHaveTextContent('Training started: follow it in Training');
    expect(card().getByRole('button', { name: 'Start training' })).toBeDisabled();
    await fireEvent.click(card().getByRole('button', { name: 'Go to Training' }));
    expect(went).toEqual([{ to: 'run', runId: 5 }]);
    // Letters has only a dialogue run: its summarizer can be started.
    await fireEvent.change(card().getByRole('combobox', { name: 'Corpus' }), { target: { value: '1' } });
    await settle();
    expect(card().queryByRole('status')).toBeNull();
    expect(card().getByRole('button', { name: 'Start training' })).toBeEnabled();
  });

  it('shows why nothing can be mined from a corpus, and does not offer to start', async () => {
    const { fake } = await noModel({
      'runs.estimate': () => {
        throw new ApiError('ValidationError', NOTHING_TO_MINE);
      },
    });
    expect(card().getByText(NOTHING_TO_MINE)).toBeInTheDocument();
    expect(card().queryByText(/^Training takes/)).toBeNull();
    expect(card().queryByText(/^Longhand pairs/)).toBeNull();
    const start = card().getByRole('button', { name: 'Start training' });
    expect(start).toBeDisabled();
    await fireEvent.click(start);
    await settle();
    expect(fake.inputs('runs.start')).toEqual([]);
  });

  it('leads to a pairs file in Training, or to importing a model in Models', async () => {
    const { went } = await noModel();
    await fireEvent.click(screen.getByRole('button', { name: 'Train on a pairs file…' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Import a trained model…' }));
    expect(went).toEqual([{ to: 'pairs-file' }, { to: 'import' }]);
  });

  it('sends a writer with no corpus to the Library first', async () => {
    const { fake, went } = await noModel({ 'corpora.list': () => ({ corpora: [] }) });
    expect(card().queryByRole('combobox')).toBeNull();
    expect(card().getByText(/has no corpora yet/)).toBeInTheDocument();
    await fireEvent.click(card().getByRole('button', { name: 'Open the Library' }));
    expect(went).toEqual([{ to: 'library' }]);
    expect(fake.inputs('runs.estimate')).toEqual([]);
  });

  it('is absent when a model is chosen', async () => {
    const fake = fakeApi({ 'documents.list': () => ({ documents: [] }) });
    render(SummarizerPane, { props: { model: new SummarizerModel(fake.api), setup: new SummarizerSetupModel(fake.api), hasModel: true } });
    await settle();
    expect(screen.queryByRole('region', { name: 'Train a summarizer on your writing' })).toBeNull();
    expect(screen.queryByText(/No summarizer model is chosen yet/)).toBeNull();
    expect(screen.getByRole('button', { name: 'Summarize' })).toBeInTheDocument();
  });
});

describe('smallestSeq2seqPreset', () => {
  it.each([
    ['the smaller of two, whatever the order', seq2seqPresets.presets, 'small'],
    ['none among language-model presets', presets.presets, null],
    ['none in an empty list', [], null],
  ] as const)('%s', (_, list, expected) => {
    expect(smallestSeq2seqPreset(list as readonly Preset[])).toBe(expected);
  });
});
