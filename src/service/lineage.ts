/**
 * Where a model comes from, for the Models pane: the models it descends from (a fine-tuning run of either kind
 * records its parent in its config, with the parent's name at the time, so lineage outlives a deleted parent) and what it
 * learnt from (its corpus, or its text or pairs file).
 */
import path from 'node:path';
import type { ParentModel } from '../contract/index.js';
import type { RunRow, Store } from '../store/index.js';

/** Deeper chains are cut (and a damaged row cannot loop). */
const MAX_DEPTH = 12;

export interface RunOrigin {
  lineage: string[];
  trainedOn: string | null;
}

export function runOrigin(store: Store, row: RunRow): RunOrigin {
  return { lineage: lineage(store, row, 0), trainedOn: trainedOn(store, row) };
}

function lineage(store: Store, row: RunRow, depth: number): string[] {
  const from = row.config.from as ParentModel | undefined;
  if (!from || depth >= MAX_DEPTH) return [];
  if (from.kind === 'dir') return [from.name ?? path.basename(from.path)];
  const checkpoint = store.checkpoints.get(from.checkpointId);
  const parent = checkpoint ? store.runs.get(checkpoint.runId) : undefined;
  if (!parent || parent.id === row.id) return [from.name ?? `a deleted model (checkpoint ${from.checkpointId})`];
  return [...lineage(store, parent, depth + 1), parent.name];
}

function trainedOn(store: Store, row: RunRow): string | null {
  const config = row.config as { text?: { path: string }; pairs?: { kind: string; path?: string; corpusId?: number } };
  if (row.kind === 'lm' && config.text) return path.basename(config.text.path);
  if (row.kind === 'seq2seq' && config.pairs?.kind === 'file' && config.pairs.path) return path.basename(config.pairs.path);
  const corpusId = row.corpusId ?? config.pairs?.corpusId ?? null;
  return corpusId === null ? null : (store.corpora.get(corpusId)?.name ?? null);
}
