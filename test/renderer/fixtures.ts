/** Valid service results for renderer tests (the fake API validates them against the contract). */
import type { ApiResult } from '../../src/contract/index.js';

const at = '2025-03-01T10:00:00.000Z';

export const corpus: ApiResult<'corpora.create'> = {
  id: 1,
  name: 'Letters',
  createdAt: at,
  documents: 12,
  characters: 48210,
  words: 9120,
  bytes: 49000,
  distinctCharacters: 71,
};

export const stats: ApiResult<'corpora.stats'> = { ...corpus, charset: 'abc', longestDocumentChars: 9000, averageDocumentWords: 760 };

export const lmConfig = {
  level: 'char',
  embed: 64,
  hidden: 256,
  layers: 2,
  cell: 'lstm',
  seq: 128,
  batch: 32,
  lr: 0.002,
  dropout: 0.1,
  budget: { steps: 1000 },
} as const;

export function run(overrides: Partial<ApiResult<'runs.start'>> = {}): ApiResult<'runs.start'> {
  return {
    id: 7,
    name: 'Letters small',
    kind: 'lm',
    status: 'queued',
    corpusId: 1,
    backend: 'wasm',
    createdAt: at,
    startedAt: null,
    finishedAt: null,
    updatedAt: at,
    error: null,
    progress: null,
    config: lmConfig,
    ...overrides,
  } as ApiResult<'runs.start'>;
}

export const presets: ApiResult<'presets.list'> = {
  backend: 'wasm',
  presets: [
    {
      kind: 'lm',
      name: 'small',
      label: 'Small',
      description: 'quick, rough',
      config: lmConfig,
      estimates: [
        { backend: 'wasm', seconds: 720 },
        { backend: 'cpu', seconds: 3600 },
      ],
    },
    {
      kind: 'lm',
      name: 'medium',
      label: 'Medium',
      description: 'better, slower',
      config: { ...lmConfig, hidden: 512 },
      estimates: [{ backend: 'wasm', seconds: 3 * 3600 }],
    },
  ],
};

export function checkpoint(overrides: Partial<ApiResult<'checkpoints.import'>> = {}): ApiResult<'checkpoints.import'> {
  return {
    id: 11,
    runId: 7,
    runName: 'Letters small',
    kind: 'lm',
    task: null,
    step: 1000,
    bytes: 2_400_000,
    createdAt: at,
    isBest: true,
    isLast: true,
    metrics: { 'validation.loss': 1.42 },
    ...overrides,
  };
}

export const settings: ApiResult<'settings.get'> = {
  models: { editor: null, summarizer: null, dialogue: null },
  theme: 'system',
  completion: { delayMs: 250, alternatives: 3, maxTokens: 24 },
  welcome: { dismissed: false },
};

export const report: ApiResult<'system.report'> = {
  backend: {
    chosen: 'wasm',
    candidates: [
      { name: 'tensorflow (GPU)', ok: false, reason: '@tensorflow/tfjs-node-gpu is not installed' },
      { name: 'tensorflow', ok: false, reason: '@tensorflow/tfjs-node is not installed' },
      { name: 'wasm', ok: true, reason: null },
      { name: 'cpu', ok: true, reason: null },
    ],
  },
  dataDir: '/home/writer/.config/Longhand',
  versions: { longhand: '0.1.0', node: '22.3.0', tfjs: '4.22.0' },
  mode: 'browser',
};

export const draft: ApiResult<'documents.open'> = {
  id: 3,
  title: 'Chapter one',
  text: '# Chapter one\n\nIt was a dark night.',
  createdAt: at,
  updatedAt: at,
};
