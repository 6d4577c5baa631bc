import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { CatalogModel, fitsPane, SettingsModel, ModelsPane } from './subjects.js';
import { fakeApi, settle } from './fakeApi.js';
import { checkpoint, corpus, report, run, settings } from './fixtures.js';

const seq2seqConfig = {
  level: 'word',
  embed: 128,
  hidden: 256,
  layers: 1,
  cell: 'lstm',
  batch: 32,
  lr: 0.001,
  dropout: 0.1,
  budget: { epochs: 10 },
  attention: 'bahdanau',
  copy: true,
  coverage: false,
  maxSourceLen: 400,
  maxTargetLen: 60,
  pairs: { kind: 'mined', corpusId: 1 },
  task: 'summarize',
} as const;

async function setup(extra: Parameters<typeof fakeApi>[0] = {}) {
  let current = settings;
  const fake = fakeApi({
    'runs.list': () => ({
      runs: [
        run({ status: 'finished', progress: { step: 1000, totalSteps: 1000, epoch: 2, trainLoss: 1.2, valLoss: 1.4, bestValLoss: 1.35, tokensPerSec: 1500, elapsedSeconds: 700, etaSeconds: 0 } }),
        run({ id: 8, name: 'Letters big', status: 'finished' }),
        { ...run({ id: 9, name: 'Digest', status: 'finished' }), kind: 'seq2seq', config: seq2seqConfig },
      ],
    }),
    'checkpoints.list': () => ({
      checkpoints: [checkpoint(), checkpoint({ id: 12, runId: 9, runName: 'Digest', kind: 'seq2seq', task: 'summarize', step: 500 })],
    }),
    'runs.metrics': ({ runId }) => ({ runId, series: [{ name: 'loss', split: 'validation', steps: [100, 200], values: [runId, runId / 2] }] }),
    'settings.get': () => current,
    'system.report': () => report,
    'settings.update': (patch) => (current = { ...current, models: { ...current.models, ...patch.models } }),
    'runs.delete': () => ({ deleted: true }),
    ...extra,
  });
  const catalog = new CatalogModel(fake.api);
  const settingsModel = new SettingsModel(fake.api);
  await Promise.all([catalog.load(), settingsModel.load()]);
  render(ModelsPane, { props: { catalog, settings: settingsModel } });
  return { fake, catalog, settingsModel };
}

describe('ModelsPane', () => {
  it('offers each pane only the checkpoints that fit it, and sets the pane model', async () => {
    const { fake, settingsModel } = await setup();
    const editor = screen.getByRole('combobox', { name: 'Editor model' });
    expect(within(editor).getAllByRole('option').map((o) => o.textContent)).toEqual(['None', 'Letters small · step 1,000 · best']);
    expect(within(screen.getByRole('combobox', { name: 'Summarizer model' })).getAllByRole('option')).toHaveLength(2);
    expect(within(screen.getByRole('combobox', { name: 'Dialogue model' })).getAllByRole('option')).toHaveLength(1);
    await fireEvent.change(editor, { target: { value: '11' } });
    await settle();
    expect(fake.inputs('settings.update')).toEqual([{ models: { editor: 11 } }]);
    expect(settingsModel.modelFor('editor')).toBe(11);
    expect(editor).toHaveValue('11');
  });

  it('lists runs with their metrics and checkpoints', async () => {
    await setup();
    const row = screen.getByRole('row', { name: /Letters small/ });
    expect(row).toHaveTextContent('1.200');
    expect(row).toHaveTextContent('1.350');
    expect(row).toHaveTextContent('step 1,000 · best · last');
    expect(within(row).getByRole('button', { name: 'Export Letters small step 1000' })).toBeInTheDocument();
  });

  it('shows where each model comes from (its lineage) and what it was trained on', async () => {
    await setup({
      'runs.list': () => ({
        runs: [
          run({ id: 14, name: 'Oliver (fine-tuned 5 min)', status: 'finished', lineage: ['Starter prose'], trainedOn: 'Oliver Twist' }),
          run({ id: 15, name: 'Oliver, more (fine-tuned 5 min)', status: 'finished', lineage: ['Starter prose', 'Oliver (fine-tuned 5 min)'], trainedOn: 'Oliver Twist' }),
          run({ id: 16, name: 'Letters small', status: 'finished', lineage: [], trainedOn: 'Letters' }),
        ],
      }),
    });
    expect(screen.getByRole('row', { name: /^Compare Oliver \(fine/ })).toHaveTextContent('Starter prose → Oliver (fine-tuned 5 min)language model · trained on Oliver Twist');
    expect(screen.getByRole('row', { name: /Compare Oliver, more/ })).toHaveTextContent('Starter prose → Oliver (fine-tuned 5 min) → Oliver, more (fine-tuned 5 min)');
    const scratch = screen.getByRole('row', { name: /Compare Letters small/ });
    expect(scratch).toHaveTextContent('Letters smalllanguage model · trained on Letters');
    expect(scratch).not.toHaveTextContent('→');
  });

  it('compares several runs on one chart', async () => {
    const { catalog } = await setup();
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Compare Letters small' }));
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Compare Letters big' }));
    await settle();
    expect(catalog.compareData).toEqual([
      [100, 200],
      [7, 3.5],
      [8, 4],
    ]);
    expect(screen.getByText('Comparing Letters small, Letters big.')).toBeInTheDocument();
  });

  it('deletes a run only after confirmation', async () => {
    const { fake } = await setup();
    await fireEvent.click(screen.getByRole('button', { name: 'Delete run Letters big' }));
    expect(screen.getByRole('alertdialog', { name: 'Delete run “Letters big”?' })).toBeInTheDocument();
    expect(fake.inputs('runs.delete')).toHaveLength(0);
    await fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    await settle();
    expect(fake.inputs('runs.delete')).toEqual([{ runId: 8, deleteCheckpoints: true }]);
  });

  it('marks models trained on a tiny corpus in the pickers and the runs, and warns when one is in use', async () => {
    const { settingsModel } = await setup({ 'corpora.list': () => ({ corpora: [{ ...corpus, words: 56 }] }) });
    const editor = screen.getByRole('combobox', { name: 'Editor model' });
    expect(within(editor).getAllByRole('option').map((o) => o.textContent)).toEqual(['None', 'Letters small · step 1,000 · best · tiny corpus (56 words)']);
    // The summarizer mined its pairs from the same corpus.
    expect(within(screen.getByRole('combobox', { name: 'Summarizer model' })).getAllByRole('option')[1]).toHaveTextContent('Digest · step 500 · best · tiny corpus (56 words)');
    expect(screen.getByRole('row', { name: /Letters small/ })).toHaveTextContent('tiny corpus (56 words)');
    expect(screen.queryByText(/was trained on a tiny corpus/)).toBeNull();
    await fireEvent.change(editor, { target: { value: '11' } });
    await settle();
    expect(settingsModel.modelFor('editor')).toBe(11);
    expect(screen.getByText('The editor model “Letters small” was trained on a tiny corpus (56 words): expect poor results.')).toBeInTheDocument();
  });

  it('leaves models of big enough corpora (and imported ones, with no corpus) unmarked', async () => {
    await setup({ 'corpora.list': () => ({ corpora: [{ ...corpus, words: 60_000 }] }) });
    expect(screen.queryByText(/tiny corpus/)).toBeNull();
  });

  it('matches checkpoints to panes by kind and task', () => {
    expect(fitsPane(checkpoint(), 'editor')).toBe(true);
    expect(fitsPane(checkpoint({ kind: 'seq2seq', task: 'dialogue' }), 'dialogue')).toBe(true);
    expect(fitsPane(checkpoint({ kind: 'seq2seq', task: 'dialogue' }), 'summarizer')).toBe(false);
  });
});
