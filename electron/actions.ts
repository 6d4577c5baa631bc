/**
 * What the File and Help menus do, through the same service API the renderer uses: import files into the
 * "default" corpus (as `longhand corpus add` does), export the editor's model (or the newest one) to a folder,
 * and show the versions. Results are reported in a message box.
 */
import type { BrowserWindow } from 'electron';
import { app, dialog } from 'electron';
import { SUPPORTED_EXTENSIONS } from '../src/text/import/index.js';
import type { ApiMethod, ApiOutput, ApiInput, RequestHandler } from '../src/contract/index.js';
import type { MenuActions } from './menu.js';

export const MENU_CORPUS = 'default';

export interface ActionDeps {
  window(): BrowserWindow | null;
  requestHandler: RequestHandler;
  dataDir: string;
}

export function menuActions(deps: ActionDeps): MenuActions {
  let counter = 0;
  async function call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
    const body = await deps.requestHandler.handle(method, input, `menu-${++counter}`);
    if ('error' in body) throw new Error(body.error.message);
    return body.output as ApiOutput<M>;
  }
  const show = (message: string, detail?: string, type: 'info' | 'error' = 'info') => {
    const win = deps.window();
    const options = { type, message, ...(detail ? { detail } : {}), buttons: ['OK'] };
    void (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
  };
  const guarded = (fn: () => Promise<void>) => () => void fn().catch((error: unknown) => show('Longhand could not do that.', error instanceof Error ? error.message : String(error), 'error'));

  return {
    importFiles: guarded(async () => {
      const win = deps.window();
      const options: Electron.OpenDialogOptions = {
        title: 'Import files',
        properties: ['openFile', 'multiSelections'],
        filters: [{ name: 'Writing', extensions: SUPPORTED_EXTENSIONS.map((e) => e.slice(1)) }],
      };
      const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      if (picked.canceled || picked.filePaths.length === 0) return;
      const result = await call('corpora.importPaths', { corpus: MENU_CORPUS, paths: picked.filePaths });
      const added = result.files.filter((f) => f.status === 'added').length;
      const refused = result.files.filter((f) => f.status === 'refused');
      show(
        `Added ${added} file${added === 1 ? '' : 's'} to the corpus "${result.corpus.name}".`,
        refused.length ? refused.map((f) => `${f.name}: ${f.reason ?? 'refused'}`).join('\n') : 'Open the library to see them.',
      );
    }),
    exportModel: guarded(async () => {
      const settings = await call('settings.get', {});
      const { checkpoints } = await call('checkpoints.list', {});
      const chosen = checkpoints.find((c) => c.id === settings.models.editor) ?? checkpoints[0];
      if (!chosen) return show('There is no trained model to export yet.');
      const win = deps.window();
      const options: Electron.OpenDialogOptions = { title: `Export "${chosen.runName}" (step ${chosen.step}) to…`, properties: ['openDirectory', 'createDirectory'] };
      const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      const folder = picked.filePaths[0];
      if (picked.canceled || !folder) return;
      const { path } = await call('checkpoints.export', { checkpointId: chosen.id, folder });
      show('The model was exported.', path);
    }),
    about: () =>
      show(
        `${app.getName()} ${app.getVersion()}`,
        `Electron ${process.versions.electron}, Chromium ${process.versions.chrome}, Node ${process.versions.node}\nData: ${deps.dataDir}`,
      ),
  };
}
