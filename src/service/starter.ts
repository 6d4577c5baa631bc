/**
 * First run: a new writer finds a starter corpus in the library and a starter language model behind the editor,
 * so Longhand suggests from the first minute. Content comes from resources/starter (process.resourcesPath/starter
 * in the packaged app): every .txt/.md file there becomes a document of one corpus, and `model/` (a Longhand
 * checkpoint) is imported like any other model and chosen for the editor.
 *
 * It happens once per data directory: a `starter` setting records what was installed, so a writer who removes
 * the starter corpus or model does not get it back. The model import needs the worker (it loads the model to be
 * sure it runs), so it finishes shortly after boot; the editor picks its model per request and suggests as
 * soon as the setting is written.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiHandlers, HandlerContext } from '../contract/index.js';
import type { Store } from '../store/index.js';
import type { SettingsService } from './settings.js';

export const DEFAULT_STARTER_DIR = fileURLToPath(new URL('../../resources/starter/', import.meta.url));

/** The shipped models by the names the CLI's `--model` and `--from` take, and their folders in the starter directory. */
export const STARTER_MODELS = { starter: 'model', 'starter-dialogue': 'dialogue' } as const;
export type StarterModelName = keyof typeof STARTER_MODELS;

export function starterModelDir(name: StarterModelName, starterDir: string = DEFAULT_STARTER_DIR): string {
  return path.join(starterDir, STARTER_MODELS[name]);
}

export const STARTER_SETTING = 'starter';
export const STARTER_CORPUS = 'Shakespeare (starter)';
export const STARTER_MODEL = 'Starter prose';
const TEXT_FILE = /\.(txt|md)$/i;

export interface StarterRecord {
  corpusId: number | null;
  checkpointId: number | null;
  installedAt: string;
}

type StarterHandlers = Pick<ApiHandlers, 'corpora.importPaths' | 'checkpoints.import'>;

/** Internal calls: not cancellable and with nobody to stream tokens to. */
const internalCall = (name: string): HandlerContext => ({ requestId: `starter-${name}`, signal: new AbortController().signal, emitToken: () => {} });

export function starterRecord(store: Store): StarterRecord | undefined {
  return store.settings.get(STARTER_SETTING) as StarterRecord | undefined;
}

/** Imports the starter corpus now; returns a function that imports the starter model (call it once the worker is up). */
export async function installStarterCorpus(
  store: Store,
  settings: SettingsService,
  handlers: StarterHandlers,
  starterDir: string,
  log: (message: string) => void,
): Promise<(() => Promise<void>) | null> {
  if (starterRecord(store)) return null;
  const entries = await fs.readdir(starterDir, { withFileTypes: true }).catch(() => []);
  const texts = entries
    .filter((e) => e.isFile() && TEXT_FILE.test(e.name) && e.name.toLowerCase() !== 'readme.md')
    .map((e) => path.join(starterDir, e.name))
    .sort();
  let corpusId: number | null = null;
  if (texts.length > 0) {
    const result = await handlers['corpora.importPaths']({ corpus: STARTER_CORPUS, paths: texts, recursive: false }, internalCall('corpus'));
    corpusId = result.corpus.id;
  }
  const record: StarterRecord = { corpusId, checkpointId: null, installedAt: new Date().toISOString() };
  store.settings.set({ [STARTER_SETTING]: record });

  const modelDir = starterModelDir('starter', starterDir);
  const hasModel = await fs.stat(path.join(modelDir, 'model.json')).then((s) => s.isFile(), () => false);
  if (!hasModel) return null;
  return async () => {
    try {
      const imported = await handlers['checkpoints.import']({ path: modelDir, name: STARTER_MODEL }, internalCall('model'));
      store.settings.set({ [STARTER_SETTING]: { ...record, checkpointId: imported.id } });
      if (settings.modelFor('editor') === null) settings.update({ models: { editor: imported.id } });
      log(`installed the starter model as checkpoint ${imported.id}`);
    } catch (error) {
      log(`could not install the starter model: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
