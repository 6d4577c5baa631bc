/**
 * A seq2seq fine-tuning run's parent: the encoder–decoder it starts from (the dialogue starter, one of the
 * writer's summarizers or dialogue models, or a checkpoint folder). Read here from its files alone — no
 * TensorFlow — so the service and the CLI can check a parent and take its architecture when a run is created.
 * A child is its parent's network trained on: its level and vocabulary (the parent's codec), sizes, encoder
 * direction, attention and score, copying and coverage are the parent's whatever the request said; its maximum
 * lengths too, unless the request gives them (they do not shape the weights). One exception: a request may switch
 * coverage on for a parent without it — See et al.'s (2017) coverage phase, a short final training with the
 * coverage loss — the new coverage weight starting at zero, so that the child starts as its parent's function.
 */
import path from 'node:path';
import type { Seq2seqTask } from '../../contract/index.js';
import { readSeq2seqDescription } from '../../model/seq2seq/checkpointFiles.js';
import type { Seq2seqConfig } from '../../model/seq2seq/types.js';
import type { Seq2seqSettings } from '../config.js';
import { readParent, verifyParentDir } from '../parentCheckpoint.js';

/** The settings that are the parent's network, whatever a request says. */
export const INHERITED = ['level', 'sharedVocab', 'embed', 'hidden', 'layers', 'cell', 'bidirectional', 'attention', 'luongScore', 'copy', 'coverage', 'sourceCounts'] as const;
/** The settings a request may change: how much of a source is read and how long an output may be. */
const LENGTHS = ['maxSourceLen', 'maxTargetLen'] as const;

export type Seq2seqArchitecture = Pick<Seq2seqSettings, (typeof INHERITED)[number] | (typeof LENGTHS)[number]>;

/** What a child inherits, and the task its parent was trained for (the child's, unless the request says). */
export interface Seq2seqParentArchitecture extends Seq2seqArchitecture {
  task: Seq2seqTask | null;
}

/** A seq2seq model's config and text as the training settings say them. */
export function architectureOf(config: Seq2seqConfig, text: { level: Seq2seqSettings['level']; shared: boolean }): Seq2seqArchitecture {
  return {
    level: text.level,
    sharedVocab: text.shared,
    embed: config.embedDim,
    hidden: config.hiddenSize,
    layers: config.layers,
    cell: 'lstm',
    bidirectional: config.bidirectional,
    attention: config.attention,
    luongScore: config.luongScore,
    copy: config.copy,
    coverage: config.coverage,
    sourceCounts: config.sourceCounts ?? false,
    maxSourceLen: config.maxSourceLen,
    maxTargetLen: config.maxTargetLen,
  };
}

/**
 * The architecture of the seq2seq checkpoint in `dir`, after verifying its files (against `sha256` when the
 * store recorded one). SetupError, one line, for a folder that is missing, damaged, or not a seq2seq model.
 */
export async function seq2seqParentArchitecture(dir: string, sha256?: string): Promise<Seq2seqParentArchitecture> {
  const { digest } = await verifyParentDir(dir, 'seq2seq', sha256);
  return readParent(async () => {
    const { meta, topology } = await readSeq2seqDescription(path.resolve(dir), digest);
    return { task: meta.task, ...architectureOf(topology.config, { level: topology.text.level, shared: topology.text.sharedVocabulary }) };
  });
}

/**
 * The settings a child takes from its parent, to spread over the request's (the vocabulary size goes: the
 * vocabulary is the parent's), and what the request asked for that the parent overrides ("hidden 32 (the
 * parent's: 16)"), so that the caller can say so.
 */
export function seq2seqInheritedSettings(
  parent: Seq2seqArchitecture,
  asked: Partial<Record<keyof Seq2seqSettings, unknown>>,
): { settings: Seq2seqArchitecture & { vocabSize: undefined }; overridden: string[] } {
  const settings = { ...parent, vocabSize: undefined };
  const overridden: string[] = [];
  for (const key of INHERITED) {
    if (key === 'coverage' && asked.coverage === true && !parent.coverage) {
      settings.coverage = true; // the coverage phase
      continue;
    }
    if (asked[key] !== undefined && asked[key] !== parent[key]) overridden.push(`${key} ${String(asked[key])} (the parent's: ${String(parent[key])})`);
  }
  if (asked.vocabSize !== undefined) overridden.push(`vocabSize ${String(asked.vocabSize)} (the parent's vocabulary is kept)`);
  for (const key of LENGTHS) if (typeof asked[key] === 'number') settings[key] = asked[key];
  return { settings, overridden };
}
