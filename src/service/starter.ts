/**
 * First run: a new writer finds a starter corpus in the library, a starter language model behind the editor and
 * a starter dialogue model behind the Dialogue pane, so Longhand suggests and answers from the first minute.
 * Content comes from resources/starter (process.resourcesPath/starter in the packaged app): every .txt/.md file
 * there becomes a document of one corpus, and `model/` and `dialogue/` (Longhand checkpoints) are imported like
 * any other model and chosen for their panes when the writer has chosen nothing there.
 *
 * Each piece is installed once per data directory: a `starter` setting records what was installed, so a writer
 * who removes the starter corpus or a starter model does not get it back — while a data directory made before a
 * piece shipped (no record of it) gets that piece on its next start. The model imports need the worker (it loads
 * a model to be sure it runs), so they finish shortly after boot; the panes pick their model per request.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiHandlers, HandlerContext } from '../contract/index.js';
import type { ModelPane } from '../contract/index.js';
import { METADATA_FILE } from '../model/checkpoint/directory.js';
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
export const STARTER_DIALOGUE_MODEL = 'Starter dialogue';
const TEXT_FILE = /\.(txt|md)$/i;

export interface StarterRecord {
  corpusId: number | null;
  /** A model's checkpoint id once imported; null when its import was started but failed; absent while no
   * build has shipped it (a record written before the dialogue model shipped lacks that field). */
  checkpointId?: number | null;
  dialogueCheckpointId?: number | null;
  installedAt: string;
}

type StarterHandlers = Pick<ApiHandlers, 'corpora.importPaths' | 'checkpoints.import'>;

/** Internal calls: not cancellable and with nobody to stream tokens to. */
const internalCall = (name: string): HandlerContext => ({ requestId: `starter-${name}`, signal: new AbortController().signal, emitToken: () => {} });

export function starterRecord(store: Store): StarterRecord | undefined {
  return store.settings.get(STARTER_SETTING) as StarterRecord | undefined;
}

/** The starter models, with the pane each one serves and where the record keeps its checkpoint id. */
const MODELS = [
  { name: 'starter', title: STARTER_MODEL, pane: 'editor', field: 'checkpointId' },
  { name: 'starter-dialogue', title: STARTER_DIALOGUE_MODEL, pane: 'dialogue', field: 'dialogueCheckpointId' },
] as const satisfies readonly { name: StarterModelName; title: string; pane: ModelPane; field: keyof StarterRecord }[];

/**
 * Imports the starter corpus now (first run only); returns a function that imports the starter models not yet
 * installed in this data directory (call it once the worker is up), or null when there is nothing to install.
 */
export async function installStarterCorpus(
  store: Store,
  settings: SettingsService,
  handlers: StarterHandlers,
  starterDir: string,
  log: (message: string) => void,
): Promise<(() => Promise<void>) | null> {
  let record = starterRecord(store);
  if (!record) {
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
    record = { corpusId, installedAt: new Date().toISOString() };
  }
  const wanted: (typeof MODELS)[number][] = [];
  for (const m of MODELS) {
    if (record[m.field] !== undefined) continue;
    const dir = starterModelDir(m.name, starterDir);
    // A Longhand checkpoint has longhand.json; a bare TF.js Layers language model (model.json) imports too.
    const isFile = (name: string) => fs.stat(path.join(dir, name)).then((st) => st.isFile(), () => false);
    const shipped = (await isFile(METADATA_FILE)) || (await isFile('model.json'));
    if (!shipped) continue; // looked for again on the next start: a later build may ship it
    // null until imported: a model that cannot be imported is not tried on every start.
    record = { ...record, [m.field]: null };
    wanted.push(m);
  }
  store.settings.set({ [STARTER_SETTING]: record });
  if (wanted.length === 0) return null;
  return async () => {
    for (const m of wanted) {
      try {
        const imported = await handlers['checkpoints.import']({ path: starterModelDir(m.name, starterDir), name: m.title }, internalCall(m.name));
        store.settings.set({ [STARTER_SETTING]: { ...starterRecord(store)!, [m.field]: imported.id } });
        if (settings.modelFor(m.pane) === null) settings.update({ models: { [m.pane]: imported.id } });
        log(`installed the ${m.title.toLowerCase()} model as checkpoint ${imported.id}`);
      } catch (error) {
        log(`could not install the ${m.title.toLowerCase()} model: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
}
