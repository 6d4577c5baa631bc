/**
 * Dataset preparation for the seq2seq benchmarks: read the shared data sets from a data directory laid
 * out like /work/shared/data (`bbc_news_summary/bbc_news_summary.jsonl`,
 * `dailydialog/<split>/dialogues_<split>.txt`) and write JSONL pairs per split:
 *
 *   <outDir>/bbc_news_summary/{train,validation,test}.jsonl   article → summary
 *   <outDir>/bbc_news_summary/source-order/{train,validation}.jsonl   the same, summaries in the article's order
 *                                                             (to train on; models are scored on the originals)
 *   <outDir>/bbc_news_summary/mod10/…                         the same files for the split issue 13 measured on
 *   <outDir>/dailydialog/{train,validation,test}.jsonl        utterance → reply
 *
 * No CLI of its own: the benchmark (or a test, on fixtures) calls these functions. Each returns the
 * counts it wrote and, for DailyDialog, what deduplication removed.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { bbcMod10Splits, bbcPairs, parseBbcRecords } from './bbc.js';
import type { BbcRecord } from './bbc.js';
import { DIALOG_SPLITS, dedupeDialogues, dialoguePairs, parseDialogues } from './dailydialog.js';
import type { DedupeOptions, DedupeReport, DialogSplit, Dialogue } from './dailydialog.js';
import { pairsInSourceOrder } from './sourceOrder.js';
import type { SplitName, Splits } from './split.js';
import type { Pair } from './types.js';
import { writePairsFile } from './write.js';

export const BBC_FILE = path.join('bbc_news_summary', 'bbc_news_summary.jsonl');

export async function readBbcRecords(dataDir: string): Promise<BbcRecord[]> {
  const file = path.join(dataDir, BBC_FILE);
  return parseBbcRecords(await readFile(file, 'utf8'), file);
}

export type SplitCounts = Record<SplitName, number>;

/** One split of the BBC pairs as written: the three files, and training/validation with summaries in article order. */
export interface BbcSplitFiles {
  pairs: SplitCounts;
  files: Record<SplitName, string>;
  /** Training and validation pairs with their summaries in the article's order (src/text/pairs/sourceOrder.ts). */
  sourceOrder: { files: Record<'train' | 'validation', string>; reordered: Record<'train' | 'validation', number> };
}

export interface PreparedBbc extends BbcSplitFiles {
  records: number;
  /** The split issue 13 measured on (bbcMod10Splits), in `bbc_news_summary/mod10/`. */
  mod10: BbcSplitFiles;
}

async function writeBbcSplits(splits: Splits<Pair>, dir: string): Promise<BbcSplitFiles> {
  const files = {} as Record<SplitName, string>;
  const pairs = {} as SplitCounts;
  for (const split of ['train', 'validation', 'test'] as const) {
    files[split] = path.join(dir, `${split}.jsonl`);
    pairs[split] = splits[split].length;
    await writePairsFile(files[split], splits[split], 'jsonl');
  }
  const sourceOrder: BbcSplitFiles['sourceOrder'] = { files: { train: '', validation: '' }, reordered: { train: 0, validation: 0 } };
  for (const split of ['train', 'validation'] as const) {
    const { pairs: inOrder, reordered } = pairsInSourceOrder(splits[split]);
    sourceOrder.files[split] = path.join(dir, 'source-order', `${split}.jsonl`);
    sourceOrder.reordered[split] = reordered;
    await writePairsFile(sourceOrder.files[split], inOrder, 'jsonl');
  }
  return { pairs, files, sourceOrder };
}

export async function prepareBbc(dataDir: string, outDir: string): Promise<PreparedBbc> {
  const records = await readBbcRecords(dataDir);
  const splits = bbcPairs(records);
  const dir = path.join(outDir, 'bbc_news_summary');
  const ours = await writeBbcSplits(splits, dir);
  const mod10 = await writeBbcSplits(bbcMod10Splits(splits), path.join(dir, 'mod10'));
  return { records: records.length, ...ours, mod10 };
}

export function dailyDialogFile(dataDir: string, split: DialogSplit): string {
  return path.join(dataDir, 'dailydialog', split, `dialogues_${split}.txt`);
}

export async function readDailyDialog(dataDir: string): Promise<Record<DialogSplit, Dialogue[]>> {
  const out = {} as Record<DialogSplit, Dialogue[]>;
  for (const split of DIALOG_SPLITS) out[split] = parseDialogues(await readFile(dailyDialogFile(dataDir, split), 'utf8'), split);
  return out;
}

export interface DailyDialogOptions extends DedupeOptions {
  /** Undo the spaced tokenisation (`Say , Jim` → `Say, Jim`). Default false: text as distributed. */
  detokenize?: boolean;
}

export interface PreparedDailyDialog {
  dedupe: DedupeReport;
  pairs: SplitCounts;
  files: Record<SplitName, string>;
}

export async function prepareDailyDialog(dataDir: string, outDir: string, options: DailyDialogOptions = {}): Promise<PreparedDailyDialog> {
  const { splits, report } = dedupeDialogues(await readDailyDialog(dataDir), options);
  const files = {} as Record<SplitName, string>;
  const pairs = {} as SplitCounts;
  for (const split of DIALOG_SPLITS) {
    const list = dialoguePairs(splits[split], { detokenize: options.detokenize ?? false });
    files[split] = path.join(outDir, 'dailydialog', `${split}.jsonl`);
    pairs[split] = list.length;
    await writePairsFile(files[split], list, 'jsonl');
  }
  return { dedupe: report, pairs, files };
}

/** Both data sets, into `outDir`. */
export async function preparePairs(
  dataDir: string,
  outDir: string,
  options: { dailyDialog?: DailyDialogOptions } = {},
): Promise<{ bbc: PreparedBbc; dailyDialog: PreparedDailyDialog }> {
  const bbc = await prepareBbc(dataDir, outDir);
  const dailyDialog = await prepareDailyDialog(dataDir, outDir, options.dailyDialog ?? {});
  return { bbc, dailyDialog };
}
