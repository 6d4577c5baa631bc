import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { progressBar, STEP_INCREMENTS, stepLabel, TrainingModel, TrainingPane } from './subjects.js';
import { fakeApi, settle } from './fakeApi.js';
import type { Preset } from '../../src/contract/index.js';
import { checkpoint, corpus, lmConfig, presets, run } from './fixtures.js';

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
    'runs.estimate': () => ({ seconds: 720, backend: 'wasm', tokensPerSecond: 9000, basis: 'documented', tokensPerEpoch: 45_000 }),
    'checkpoints.list': () => ({ checkpoints: [] }),
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

describe('run cards after the end', () => {
  const noMetrics = () => ({ runId: 7, series: [] });

  async function showRun(finished: ReturnType<typeof run>, extra: Parameters<typeof fakeApi>[0] = {}) {
    const fake = service({
      'runs.list': () => ({ runs: [finished] }),
      'runs.get': () => ({ run: finished, checkpoints: [], samples: [] }),
      ...extra,
    });
    const model = new TrainingModel(fake.api);
    await model.load();
    render(TrainingPane, { props: { model } });
    await settle();
    return model;
  }
  const figures = () => screen.getByText(/^Step |before its first step|No figures/).closest('p')!.textContent!.replace(/\s+/g, ' ').trim();
  const loss = (name: string) => screen.getByText(name).nextElementSibling!.textContent;

  it('shows an imported model (the starter) with the figures its checkpoint has, not "Waiting for the first step…"', async () => {
    const starter = run({ id: 7, name: 'Starter prose', status: 'finished', corpusId: null, progress: null });
    const saved = checkpoint({ step: 5391, metrics: { epoch: 10.98, lr: 0.00024, tokens: 11_040_768, trainLoss: 1.2516, valLoss: 1.4164 } });
    await showRun(starter, { 'runs.get': () => ({ run: starter, checkpoints: [saved], samples: [] }), 'runs.metrics': noMetrics });
    expect(screen.queryByText('Waiting for the first step…')).toBeNull();
    expect(figures()).toBe('Step 5,391 Epoch 11.0');
    expect(loss('Training loss')).toBe('1.252');
    expect(loss('Validation loss')).toBe('1.416');
    expect(screen.getByRole('progressbar', { name: 'Training progress' })).toHaveAttribute('value', '1');
    expect(screen.getByText('No loss curve was recorded for this run.')).toBeInTheDocument();
  });

  it('shows a failed run with its failure and no moving bar or empty chart when it failed before its first step', async () => {
    const failed = run({ status: 'failed', error: 'the corpus has too little text to train on', progress: null });
    await showRun(failed, { 'runs.metrics': noMetrics });
    expect(screen.getByText(/the corpus has too little text to train on/)).toBeInTheDocument();
    expect(figures()).toBe('Failed before its first step.');
    expect(screen.queryByRole('progressbar', { name: 'Training progress' })).toBeNull();
    expect(loss('Training loss')).toBe('—');
    expect(screen.getByText('No loss curve was recorded for this run.')).toBeInTheDocument();
  });

  it('shows the final figures of a failed run from its stored curve, with the bar where it stopped', async () => {
    const stopped = {
      step: 20,
      totalSteps: 1000,
      epoch: null,
      trainLoss: null,
      valLoss: null,
      bestValLoss: null,
      tokensPerSec: 1500,
      elapsedSeconds: 75,
      etaSeconds: null,
    };
    const failed = run({ status: 'failed', error: 'out of memory', progress: stopped });
    await showRun(failed); // the default metrics: train 3.1, 2.8 at steps 10, 20; validation 2.9 at 20
    expect(figures()).toBe('Step 20 of 1,000 1,500 tokens/s Elapsed 1 min');
    expect(loss('Training loss')).toBe('2.800');
    expect(loss('Validation loss')).toBe('2.900');
    expect(screen.getByRole('progressbar', { name: 'Training progress' })).toHaveAttribute('value', '0.02');
    expect(screen.getByRole('figure')).toHaveAttribute('data-points', '0'); // a chart (not drawn in jsdom), not the note
    expect(screen.queryByText('No loss curve was recorded for this run.')).toBeNull();
  });

  it('keeps a moving bar only for a running run whose progress is unknown', () => {
    const unknown = { runId: 7, step: 5, totalSteps: null, epoch: null, trainLoss: 3, valLoss: null, bestValLoss: null, tokensPerSec: 10, etaSeconds: null, elapsedSeconds: 2 };
    expect(progressBar(run({ status: 'running' }), unknown)).toEqual({ kind: 'moving' });
    for (const status of ['failed', 'cancelled', 'paused', 'interrupted'] as const) {
      expect(progressBar(run({ status }), unknown), status).toEqual({ kind: 'none' });
    }
    expect(progressBar(run({ status: 'failed' }), { ...unknown, totalSteps: 10 })).toEqual({ kind: 'value', value: 0.5 });
  });

  it('lists the running run above the queued ones, which follow in the order they will train', async () => {
    const runs = [
      run({ id: 12, name: 'Third', status: 'queued' }),
      run({ id: 9, name: 'Second', status: 'queued' }),
      run({ id: 10, name: 'Now', status: 'running' }),
      run({ id: 3, name: 'Old', status: 'finished' }),
    ];
    const fake = service({ 'runs.list': () => ({ runs }), 'runs.get': ({ runId }) => ({ run: runs.find((r) => r.id === runId)!, checkpoints: [], samples: [] }) });
    const model = new TrainingModel(fake.api);
    await model.load();
    render(TrainingPane, { props: { model } });
    await settle();
    const queue = screen.getByRole('heading', { name: 'Queue' }).parentElement!.querySelector('ul')!;
    expect([...queue.querySelectorAll('li')].map((li) => li.querySelector('button')!.textContent)).toEqual(['Now', 'Second', 'Third']);
    expect(screen.getByRole('heading', { name: 'Now', level: 2 })).toBeInTheDocument();
  });

  it('ticks the step axis at whole steps only', () => {
    expect(STEP_INCREMENTS.slice(0, 6)).toEqual([1, 2, 5, 10, 20, 50]);
    expect(STEP_INCREMENTS.every((n) => Number.isInteger(n))).toBe(true);
    expect(stepLabel(2500)).toBe('2,500');
    expect(stepLabel(1.5)).toBe('1.5'); // a fraction would be seen, not rounded away
  });
});

describe('a corpus too small to learn from', () => {
  const tiny = { ...corpus, id: 2, name: 'Notes', documents: 1, words: 56, characters: 301 };
  const novel = { ...corpus, id: 3, name: 'Novel', words: 60_000, characters: 340_000 };

  it('is warned about before training, next to the corpus picker, for language models and mined pairs', async () => {
    const fake = service({ 'corpora.list': () => ({ corpora: [novel, tiny] }) });
    const model = new TrainingModel(fake.api);
    await model.load();
    render(TrainingPane, { props: { model } });
    const picker = screen.getByRole('combobox', { name: 'Corpus' });
    expect(document.querySelector('.warning')).toBeNull();

    await fireEvent.change(picker, { target: { value: '2' } });
    expect(screen.getByText(/has only 56 words/)).toHaveTextContent(
      '“Notes” has only 56 words. A model learns little from fewer than 10,000 words (about 40 pages): its suggestions would be close to random. Import more of your writing first.',
    );
    expect(picker).toHaveAccessibleDescription(/has only 56 words/);

    await fireEvent.click(screen.getByRole('radio', { name: /Encoder–decoder/ }));
    await fireEvent.change(screen.getByRole('combobox', { name: 'Corpus to mine' }), { target: { value: '2' } });
    expect(screen.getByText(/has only 56 words/)).toBeInTheDocument();
    await fireEvent.change(screen.getByRole('combobox', { name: 'Corpus to mine' }), { target: { value: '3' } });
    expect(screen.queryByText(/has only/)).toBeNull();
  });
});


describe('starting from a model', () => {
  const quickAdapt: Preset = {
    kind: 'lm',
    name: 'quick-adapt',
    label: 'Quick adapt: 5 min',
    description: 'adapts the model you start from',
    fineTune: true,
    config: { ...lmConfig, budget: { minutes: 5 } },
    estimates: [{ backend: 'wasm', seconds: 300 }],
  };
  // The starter's copy in the library (checkpoint 30) is the starter option, not one of the writer's models too.
  const withStarter = { ...presets, presets: [quickAdapt, ...presets.presets], starter: { name: 'Starter prose', checkpointId: 30 } };
  const mine = [
    checkpoint({ id: 30, runId: 2, runName: 'Starter prose', isBest: true, isLast: true, step: 2569 }),
    checkpoint({ id: 21, runId: 4, runName: 'Oliver (fine-tuned 5 min)', isBest: true, isLast: false, step: 300 }),
    checkpoint({ id: 22, runId: 4, runName: 'Oliver (fine-tuned 5 min)', isBest: false, isLast: true, step: 350 }),
  ];

  async function pane(extra: Parameters<typeof fakeApi>[0] = {}) {
    const fake = service({ 'presets.list': () => withStarter, 'checkpoints.list': () => ({ checkpoints: mine }), ...extra });
    const model = new TrainingModel(fake.api);
    await model.load();
    render(TrainingPane, { props: { model } });
    return { fake, model };
  }

  it('starts from the starter model by default, with the quick-adapt preset, and sends it as config.from', async () => {
    const { fake } = await pane();
    const from = screen.getByRole('combobox', { name: 'Start from' });
    expect(from).toHaveDisplayValue('The starter model (Starter prose)');
    expect([...from.querySelectorAll('option')].map((o) => o.textContent)).toEqual([
      'The starter model (Starter prose)',
      'Nothing: a new model, from scratch',
      'Oliver (fine-tuned 5 min)',
    ]);
    // Adapting offers the fine-tuning presets only.
    expect(screen.getByRole('radio', { name: /Quick adapt: 5 min .* about 5 min on wasm/ })).toBeChecked();
    expect(screen.queryByRole('radio', { name: /Small/ })).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await settle();
    expect(fake.inputs('runs.start')).toEqual([{ kind: 'lm', corpusId: 1, preset: 'quick-adapt', config: { from: { kind: 'starter' } } }]);
    expect(screen.getByRole('status')).toHaveTextContent('it adapts the starter model to your writing');
  });

  it('starts from one of my models (its best checkpoint), or from scratch with the new-model presets', async () => {
    const { fake } = await pane();
    await fireEvent.change(screen.getByRole('combobox', { name: 'Start from' }), { target: { value: 'checkpoint:21' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await settle();
    expect(fake.inputs('runs.start')[0]).toEqual({ kind: 'lm', corpusId: 1, preset: 'quick-adapt', config: { from: { kind: 'checkpoint', checkpointId: 21 } } });

    await fireEvent.change(screen.getByRole('combobox', { name: 'Start from' }), { target: { value: 'scratch' } });
    expect(screen.queryByRole('radio', { name: /Quick adapt/ })).toBeNull();
    expect(screen.getByRole('radio', { name: /Small/ })).toBeChecked();
    await fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await settle();
    expect(fake.inputs('runs.start')[1]).toEqual({ kind: 'lm', corpusId: 1, preset: 'small' });
  });

  it('leaves the size to the starting model in advanced settings, and sends none', async () => {
    const { fake } = await pane();
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Advanced settings' }));
    expect(screen.queryByRole('spinbutton', { name: 'Hidden size' })).toBeNull();
    expect(screen.getByText(/size and how it reads text are those of the model it starts from/)).toBeInTheDocument();
    await fireEvent.change(screen.getByRole('spinbutton', { name: 'Budget' }), { target: { value: '8' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await settle();
    const config = fake.inputs('runs.start')[0]!.config as Record<string, unknown>;
    expect(config).toMatchObject({ from: { kind: 'starter' }, budget: { minutes: 8 }, seq: 128 });
    for (const key of ['level', 'embed', 'hidden', 'layers', 'cell']) expect(config, key).not.toHaveProperty(key);
  });

  it('shows the estimate of the run the form describes, asked again when the budget changes', async () => {
    const { fake } = await pane({
      'runs.estimate': (input) => {
        const budget = input.config?.budget;
        if (budget && 'steps' in budget) return { seconds: budget.steps / 2, backend: 'wasm', tokensPerSecond: 8000, basis: 'measured', tokensPerEpoch: 45_000 };
        return { seconds: 300, backend: 'wasm', tokensPerSecond: 8000, basis: null, tokensPerEpoch: 45_000 };
      },
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(await screen.findByText('This run: about 5 min on wasm.')).toBeInTheDocument();
    expect(fake.inputs('runs.estimate').at(-1)).toEqual({ kind: 'lm', corpusId: 1, preset: 'quick-adapt', config: { from: { kind: 'starter' } } });
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Advanced settings' }));
    await fireEvent.change(screen.getByRole('combobox', { name: 'Budget unit' }), { target: { value: 'steps' } });
    await fireEvent.change(screen.getByRole('spinbutton', { name: 'Budget' }), { target: { value: '240' } });
    await new Promise((r) => setTimeout(r, 400));
    expect(await screen.findByText('This run: about 2 min on wasm (at the speed measured here).')).toBeInTheDocument();
  });

  it('estimates encoder–decoder runs with the advanced budget, and the presets for the chosen corpus', async () => {
    const novel = { ...corpus, id: 3, name: 'Novel' };
    const { fake } = await pane({ 'corpora.list': () => ({ corpora: [corpus, novel] }), 'presets.list': () => ({ ...presets, presets: [...presets.presets, { ...presets.presets[0]!, kind: 'seq2seq', config: seq2seqConfig } as Preset] }) });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Corpus' }), { target: { value: '3' } });
    await settle();
    expect(fake.inputs('presets.list').at(-1)).toEqual({ corpusId: 3 });
    await fireEvent.click(screen.getByRole('radio', { name: /Encoder–decoder/ }));
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Advanced settings' }));
    await fireEvent.change(screen.getByRole('combobox', { name: 'Budget unit' }), { target: { value: 'epochs' } });
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.inputs('runs.estimate').at(-1)).toMatchObject({ kind: 'seq2seq', task: 'summarize', config: { budget: { epochs: 5 } } });
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
  budget: { steps: 5 },
  attention: 'luong',
  copy: true,
  coverage: false,
  maxSourceLen: 200,
  maxTargetLen: 40,
} as const;

describe('an encoder–decoder starting from a model', () => {
  const seq2seqSmall: Preset = { kind: 'seq2seq', name: 'small', label: 'Small', description: 'quick, rough', config: seq2seqConfig, estimates: [{ backend: 'wasm', seconds: 600 }] };
  const listed = { ...presets, presets: [...presets.presets, seq2seqSmall], starter: { name: 'Starter prose' }, dialogueStarter: { name: 'Starter dialogue' } };
  const mine = [
    checkpoint({ id: 21, runId: 4, runName: 'Oliver (fine-tuned 5 min)' }),
    checkpoint({ id: 31, runId: 5, runName: 'Dialogue (small)', kind: 'seq2seq', task: 'dialogue', isBest: false, isLast: true, step: 80 }),
    checkpoint({ id: 32, runId: 5, runName: 'Dialogue (small)', kind: 'seq2seq', task: 'dialogue', isBest: true, isLast: false, step: 60 }),
    checkpoint({ id: 41, runId: 6, runName: 'Summarizer (small)', kind: 'seq2seq', task: 'summarize' }),
  ];
  const pairs = { kind: 'mined', corpusId: 1 } as const;
  const SCRATCH_LABEL = 'Nothing: a new model, from scratch';

  async function pane(extra: Parameters<typeof fakeApi>[0] = {}) {
    const fake = service({
      'presets.list': () => listed,
      'checkpoints.list': () => ({ checkpoints: mine }),
      'runs.start': () => run({ name: 'Dialogue (fine-tuned 5 min)' }),
      'runs.estimate': (input) => {
        const budget = input.config?.budget;
        const minutes = budget && 'minutes' in budget ? budget.minutes : 10;
        return { seconds: minutes * 60, backend: 'wasm', tokensPerSecond: 900, basis: null, tokensPerEpoch: 30_000 };
      },
      ...extra,
    });
    const model = new TrainingModel(fake.api);
    await model.load();
    render(TrainingPane, { props: { model } });
    await fireEvent.click(screen.getByRole('radio', { name: /Encoder–decoder/ }));
    return { fake, model };
  }
  const startFrom = () => screen.getByRole('combobox', { name: 'Start from' });
  const options = () => [...startFrom().querySelectorAll('option')].map((o) => o.textContent);
  const setTask = (task: string) => fireEvent.change(screen.getByRole('combobox', { name: 'Task' }), { target: { value: task } });
  const start = async () => {
    await fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    await settle();
  };

  it('offers, per task, its starter (the default for dialogue), scratch and my models trained for that task', async () => {
    await pane();
    // Summaries: there is no starter summarizer, so a new model is the default, with the new-model presets.
    expect(options()).toEqual([SCRATCH_LABEL, 'Summarizer (small)']);
    expect(startFrom()).toHaveDisplayValue(SCRATCH_LABEL);
    expect(screen.getByRole('radio', { name: /Small — quick, rough/ })).toBeChecked();

    await setTask('dialogue');
    expect(options()).toEqual(['The starter dialogue model (Starter dialogue)', SCRATCH_LABEL, 'Dialogue (small)']);
    expect(startFrom()).toHaveDisplayValue('The starter dialogue model (Starter dialogue)');
    // Adapting has no preset and no advanced settings: a budget over the service's fine-tuning settings.
    expect(screen.queryByRole('radio', { name: /Small/ })).toBeNull();
    expect(screen.queryByRole('checkbox', { name: 'Advanced settings' })).toBeNull();
    expect(screen.getByRole('group', { name: 'Training time' })).toBeInTheDocument();
    expect(screen.getByRole('spinbutton', { name: 'Budget' })).toHaveValue(5);
    expect(screen.getByRole('combobox', { name: 'Budget unit' })).toHaveValue('minutes');

    // The language model's choice is its own.
    await fireEvent.click(screen.getByRole('radio', { name: /Language model/ }));
    expect(options()).toEqual(['The starter model (Starter prose)', SCRATCH_LABEL, 'Oliver (fine-tuned 5 min)']);
    expect(startFrom()).toHaveDisplayValue('The starter model (Starter prose)');
  });

  it('adapts the dialogue starter with no preset, a config of the parent and a budget, shows its estimate and says it adapts it', async () => {
    const { fake } = await pane();
    await setTask('dialogue');
    await new Promise((r) => setTimeout(r, 400));
    const adaptStarter = { kind: 'seq2seq', pairs, task: 'dialogue', config: { from: { kind: 'starter' }, budget: { minutes: 5 } } };
    expect(fake.inputs('runs.estimate').at(-1)).toEqual(adaptStarter);
    expect(await screen.findByText('This run: about 5 min on wasm.')).toBeInTheDocument();
    await start();
    expect(fake.inputs('runs.start')).toEqual([adaptStarter]);
    expect(screen.getByRole('status')).toHaveTextContent('Started “Dialogue (fine-tuned 5 min)”: it adapts the starter dialogue model to your pairs.');

    await fireEvent.change(screen.getByRole('spinbutton', { name: 'Budget' }), { target: { value: '12' } });
    await new Promise((r) => setTimeout(r, 400));
    expect(await screen.findByText('This run: about 12 min on wasm.')).toBeInTheDocument();
    await start();
    expect(fake.inputs('runs.start')[1]).toEqual({ ...adaptStarter, config: { from: { kind: 'starter' }, budget: { minutes: 12 } } });
  });

  it('trains a dialogue model from scratch with a preset, or adapts my dialogue model (its best checkpoint)', async () => {
    const { fake } = await pane();
    await setTask('dialogue');
    await fireEvent.change(startFrom(), { target: { value: 'scratch' } });
    expect(screen.getByRole('radio', { name: /Small — quick, rough/ })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Advanced settings' })).toBeInTheDocument();
    await start();
    expect(fake.inputs('runs.start')[0]).toEqual({ kind: 'seq2seq', pairs, task: 'dialogue', preset: 'small' });

    await fireEvent.change(startFrom(), { target: { value: 'checkpoint:32' } });
    await start();
    expect(fake.inputs('runs.start')[1]).toEqual({ kind: 'seq2seq', pairs, task: 'dialogue', config: { from: { kind: 'checkpoint', checkpointId: 32 }, budget: { minutes: 5 } } });
    expect(screen.getByRole('status')).toHaveTextContent('it adapts “Dialogue (small)” to your pairs.');
  });

  it('adapts my summarizer, and a new task resets a model it cannot start from to its own default', async () => {
    const { fake } = await pane();
    await fireEvent.change(startFrom(), { target: { value: 'checkpoint:41' } });
    await start();
    expect(fake.inputs('runs.start')[0]).toEqual({ kind: 'seq2seq', pairs, task: 'summarize', config: { from: { kind: 'checkpoint', checkpointId: 41 }, budget: { minutes: 5 } } });

    // A summarizer cannot start a dialogue model: dialogue starts from its starter.
    await setTask('dialogue');
    expect(startFrom()).toHaveDisplayValue('The starter dialogue model (Starter dialogue)');
    // A dialogue model cannot start a summarizer, nor can the dialogue starter: summaries start from scratch.
    await fireEvent.change(startFrom(), { target: { value: 'checkpoint:32' } });
    await setTask('summarize');
    expect(startFrom()).toHaveDisplayValue(SCRATCH_LABEL);
    expect(screen.getByRole('radio', { name: /Small — quick, rough/ })).toBeChecked();
    await start();
    expect(fake.inputs('runs.start')[1]).toEqual({ kind: 'seq2seq', pairs, task: 'summarize', preset: 'small' });
  });

  it('starts dialogue from scratch by default when this build ships no dialogue starter', async () => {
    const { fake } = await pane({ 'presets.list': () => ({ ...listed, dialogueStarter: null }) });
    await setTask('dialogue');
    expect(options()).toEqual([SCRATCH_LABEL, 'Dialogue (small)']);
    expect(startFrom()).toHaveDisplayValue(SCRATCH_LABEL);
    await start();
    expect(fake.inputs('runs.start')).toEqual([{ kind: 'seq2seq', pairs, task: 'dialogue', preset: 'small' }]);
  });
});
