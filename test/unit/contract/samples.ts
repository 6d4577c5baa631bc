/** One valid input per method (the schema tests mutate these), and outputs the fake handlers return. */
import type { ApiInput, ApiMethod, ApiResult } from '../../../src/contract/index.js';

const lmConfig = {
  level: 'char',
  embed: 64,
  hidden: 256,
  layers: 2,
  cell: 'lstm',
  seq: 128,
  batch: 32,
  lr: 0.002,
  dropout: 0.1,
  budget: { steps: 2000 },
} as const;

export const validInputs: { [M in ApiMethod]: ApiInput<M> } = {
  'corpora.list': {},
  'corpora.create': { name: 'Letters' },
  'corpora.rename': { corpusId: 1, name: 'Old letters' },
  'corpora.importFiles': { corpus: 'Letters', files: [{ name: 'a.txt', contentBase64: 'aGVsbG8=' }] },
  'corpora.importPaths': { corpus: 1, paths: ['/home/me/texts/a.md', 'C:\\Users\\me\\b.txt'] },
  'corpora.remove': { corpusId: 1 },
  'corpora.stats': { corpusId: 1 },
  'corpora.documents': { corpusId: 1, limit: 50 },
  'corpora.preview': { documentId: 3 },
  'corpora.removeDocument': { documentId: 3 },
  'documents.list': {},
  'documents.create': { title: 'Chapter one' },
  'documents.open': { id: 1 },
  'documents.save': { id: 1, text: 'It was a dark night.' },
  'documents.delete': { id: 1 },
  'documents.addToCorpus': { id: 1, corpus: 2 },
  'runs.start': { kind: 'lm', corpusId: 1, preset: 'small' },
  'runs.estimate': { kind: 'lm', corpusId: 1, preset: 'quick-adapt', config: { from: { kind: 'starter' } } },
  'runs.pause': { runId: 1 },
  'runs.resume': { runId: 1 },
  'runs.cancel': { runId: 1 },
  'runs.list': {},
  'runs.get': { runId: 1 },
  'runs.metrics': { runId: 1, names: ['loss'], splits: ['train', 'validation'] },
  'runs.delete': { runId: 1 },
  'checkpoints.list': {},
  'checkpoints.delete': { checkpointId: 1 },
  'checkpoints.export': { checkpointId: 1, folder: '/home/me/export' },
  'checkpoints.import': { path: '/home/me/models/model.json' },
  'generate.prepare': { text: 'Once upon a' },
  'generate.complete': { text: 'Once upon a', n: 3, maxTokens: 10 },
  'generate.summarize': { text: 'A long text.', beam: 4 },
  'generate.reply': { history: [{ role: 'user', text: 'Hi' }, { role: 'model', text: 'Hello' }], message: 'How are you?' },
  'settings.get': {},
  'settings.update': { theme: 'dark', models: { editor: 4 } },
  'system.report': {},
  'presets.list': { kind: 'lm' },
};

export const fullLmConfig = lmConfig;

export const corpus: ApiResult<'corpora.create'> = {
  id: 1,
  name: 'Letters',
  createdAt: '2025-01-01T00:00:00.000Z',
  documents: 2,
  characters: 1200,
  words: 230,
  bytes: 1250,
  distinctCharacters: 48,
};

export const run: ApiResult<'runs.start'> = {
  id: 7,
  name: 'Letters small',
  kind: 'lm',
  status: 'queued',
  corpusId: 1,
  backend: 'wasm',
  createdAt: '2025-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  updatedAt: '2025-01-01T00:00:00.000Z',
  error: null,
  progress: null,
  config: lmConfig,
};
