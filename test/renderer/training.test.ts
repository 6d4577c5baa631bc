import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { TrainingModel, TrainingPane } from './subjects.js';
import { fakeApi, settle } from './fakeApi.js';
import { corpus, presets, run } from './fixtures.js';

function service(extra: Parameters<typeof fakeApi>[0] = {}) {
  return fakeApi({
    'corpora.list': () => ({ corpora: [corpus] }),
    'presets.list': () => presets,
    'runs.list': () => ({ runs: [] }),
    'runs.start': () => run(),
    'runs.get': () => ({ run: run({ status: 'running' }), checkpoints: [], samples: [] }),
    'runs.metrics': () => ({
      runId: 7,
      series: [
        { name: 'loss', split: 'train', steps: [10, 20], values: [3.1, 2.8] },
        { name: 'loss', split: 'validation', steps: [20], values: [2.9] },
      ],
    }),
    'runs.pause': () => run({ status: 'paused' }),
    ...extra,
  });
}

const progress = (step: number, extra = {}) => ({
  runId: 7,
  step,
  totalSteps: 1000,
  epoch: null,
  trainLoss: 2.5,
  valLoss: null,
  bestValLoss: null,
  tokensPerSec: 1830,
  etaSeconds: 600,
  elapsedSeconds: 60,
  ...extra,
});

describe('TrainingPane', () => {
  it('offers presets with the estimate for the current backend and starts a run', async () => {
    const fake = service();
    const model = new TrainingModel(fake.api);
    await model.load();
    render(TrainingPane, { props: { model } });
    expect(screen.getByRole('radio', { name: /Small — quick, rough about 12 min on wasm/ })).toBeChecked();
    expect(screen.getByRole('radio', { name: /Medium .* about 3 h on wasm/ })).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await settle();
    expect(fake.inputs('runs.start')).toEqual([{ kind: 'lm', corpusId: 1, preset: 'small' }]);
    expect(screen.getByRole('heading', { name: 'Letters small' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Started “Letters small”.');
  });

  it('sends advanced settings starting from the preset', async () => {
    const fake = service();
    const model = new TrainingModel(fake.api);
    await model.load();
    render(TrainingPane, { props: { model } });
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Advanced settings' }));
    await fireEvent.input(screen.getByRole('spinbutton', { name: 'Hidden size' }), { target: { value: '384' } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Cell' }), { target: { value: 'gru' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await settle();
    expect(fake.inputs('runs.start')[0]).toMatchObject({ kind: 'lm', preset: 'small', config: { hidden: 384, cell: 'gru', embed: 64, budget: { steps: 1000 } } });
  });

  it('updates progress, ETA and speed, and feeds the chart, from run.progress events', async () => {
    const fake = service();
    const model = new TrainingModel(fake.api);
    await model.load();
    render(TrainingPane, { props: { model } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await settle();
    expect(model.curve.data).toEqual([
      [10, 20],
      [3.1, 2.8],
      [null, 2.9],
    ]);

    const version = model.curveVersion;
    fake.emit({ name: 'run.progress', payload: progress(30, { sample: 'the sea was' }) });
    fake.emit({ name: 'run.progress', payload: progress(40, { valLoss: 2.4, etaSeconds: 90 }) });
    await settle();
    expect(model.curve.data).toEqual([
      [10, 20, 30, 40],
      [3.1, 2.8, 2.5, 2.5],
      [null, 2.9, null, 2.4],
    ]);
    expect(model.curveVersion).toBe(version + 2);
    expect(screen.getByRole('progressbar', { name: 'Training progress' })).toHaveAttribute('value', '0.04');
    expect(screen.getByText('about 2 min left')).toBeInTheDocument();
    expect(screen.getByText('Step 40 of 1,000')).toBeInTheDocument();
    expect(screen.getByText('1,830 tokens/s')).toBeInTheDocument();
    expect(screen.getByText('the sea was')).toBeInTheDocument();
    expect(screen.getByText(/4 points up to step 40; latest training loss 2.500, validation loss 2.400/)).toBeInTheDocument();

    fake.emit({ name: 'run.progress', payload: progress(35) });
    expect(model.curve.length).toBe(4);

    fake.emit({ name: 'run.progress', payload: progress(50, { sample: 'the sea was calm', valLoss: 2.4 }) });
    await settle();
    expect(screen.getByText('Validation loss').nextElementSibling).toHaveTextContent('2.400');
    fake.emit({ name: 'run.progress', payload: progress(50, { sample: 'the sea was calm!', valLoss: 2.4 }) });
    await settle();
    expect(model.selectedSamples.map((x) => x.text)).toEqual(['the sea was', 'the sea was calm!']);
  });

  it('shows the queue with pause and cancel, and follows status events', async () => {
    const fake = service({ 'runs.list': () => ({ runs: [run({ status: 'running' })] }) });
    const model = new TrainingModel(fake.api);
    await model.load();
    render(TrainingPane, { props: { model } });
    await fireEvent.click(screen.getByRole('button', { name: 'Pause Letters small' }));
    await settle();
    expect(fake.inputs('runs.pause')).toEqual([{ runId: 7 }]);
    expect(screen.getByRole('button', { name: 'Resume Letters small' })).toBeInTheDocument();
    fake.emit({ name: 'run.status', payload: { runId: 7, status: 'failed', error: 'out of memory' } });
    await settle();
    expect(screen.getByRole('status')).toHaveTextContent('“Letters small” failed: out of memory');
    expect(screen.getByText('Nothing queued or running.')).toBeInTheDocument();
  });

  it('explains what is missing instead of sending an incomplete request', async () => {
    const fake = service({ 'corpora.list': () => ({ corpora: [] }) });
    const model = new TrainingModel(fake.api);
    await model.load();
    render(TrainingPane, { props: { model } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Choose a corpus to train on.');
    expect(fake.inputs('runs.start')).toHaveLength(0);
  });
});
