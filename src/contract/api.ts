/**
 * The request table: every method the service offers, with its input and output schemas and one line saying
 * what it does. Everything else — the typed client, the handler types, the method list — is derived from this
 * one declaration.
 */
import type { z } from 'zod';
import * as C from './schemas/corpora.js';
import * as D from './schemas/documents.js';
import * as G from './schemas/generate.js';
import * as K from './schemas/checkpoints.js';
import { Deleted, Empty } from './schemas/primitives.js';
import * as R from './schemas/runs.js';
import * as S from './schemas/system.js';

export interface MethodDef {
  input: z.ZodType;
  output: z.ZodType;
  summary: string;
}

const def = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string) => ({ input, output, summary });

export const apiTable = {
  'corpora.list': def(Empty, C.CorporaListOutput, 'All corpora with their statistics.'),
  'corpora.create': def(C.CorporaCreateInput, C.CorpusSummary, 'Create an empty corpus (Conflict if the name is taken).'),
  'corpora.rename': def(C.CorporaRenameInput, C.CorpusSummary, 'Rename a corpus.'),
  'corpora.importFiles': def(C.CorporaImportFilesInput, C.ImportResult, 'Import file contents (base64) into a corpus; per-file results.'),
  'corpora.importPaths': def(C.CorporaImportPathsInput, C.ImportResult, 'Import local files or folders by absolute path; per-file results.'),
  'corpora.remove': def(C.CorpusIdInput, Deleted, 'Delete a corpus and its documents (runs keep their checkpoints).'),
  'corpora.stats': def(C.CorpusIdInput, C.CorpusStats, "A corpus's statistics, including its character set."),
  'corpora.documents': def(C.CorporaDocumentsInput, C.CorporaDocumentsOutput, "A page of a corpus's documents."),
  'corpora.preview': def(C.CorporaPreviewInput, C.CorporaPreviewOutput, 'The beginning of one document.'),
  'corpora.removeDocument': def(C.DocumentIdInput, C.CorpusSummary, 'Remove one document from its corpus.'),

  'documents.list': def(D.DocumentsListInput, D.DocumentsListOutput, 'Drafts, most recently edited first.'),
  'documents.create': def(D.DocumentsCreateInput, D.Draft, 'Create a draft.'),
  'documents.open': def(D.DraftIdInput, D.Draft, 'A draft with its text.'),
  'documents.save': def(D.DocumentsSaveInput, D.DocumentsSaveOutput, "Save a draft's title and/or text (autosave)."),
  'documents.delete': def(D.DraftIdInput, Deleted, 'Delete a draft.'),
  'documents.addToCorpus': def(D.DocumentsAddToCorpusInput, D.DocumentsAddToCorpusOutput, 'Copy a draft into a corpus as a training document.'),

  'runs.start': def(R.RunsStartInput, R.Run, 'Queue a language-model or seq2seq training run.'),
  'runs.estimate': def(R.RunsStartInput, R.RunEstimate, 'How long runs.start with this input would train here.'),
  'runs.pause': def(R.RunIdInput, R.Run, 'Pause a running run after its current step (checkpointed).'),
  'runs.resume': def(R.RunIdInput, R.Run, 'Resume a paused or interrupted run.'),
  'runs.cancel': def(R.RunIdInput, R.Run, 'Stop a run for good; its checkpoints stay.'),
  'runs.list': def(R.RunsListInput, R.RunsListOutput, 'Runs, newest first, optionally by status or kind.'),
  'runs.get': def(R.RunIdInput, K.RunsGetOutput, 'One run with its checkpoints and latest samples.'),
  'runs.metrics': def(R.RunsMetricsInput, R.RunsMetricsOutput, "A run's metric series by name and split."),
  'runs.delete': def(R.RunsDeleteInput, Deleted, 'Delete a finished, failed or cancelled run (Conflict while active).'),

  'checkpoints.list': def(K.CheckpointsListInput, K.CheckpointsListOutput, 'Checkpoints, optionally of one run, kind or task.'),
  'checkpoints.delete': def(K.CheckpointIdInput, Deleted, 'Delete a checkpoint (unset from panes that used it).'),
  'checkpoints.export': def(K.CheckpointsExportInput, K.CheckpointsExportOutput, 'Copy a checkpoint into a folder.'),
  'checkpoints.import': def(K.CheckpointsImportInput, K.Checkpoint, 'Import a Longhand checkpoint folder or a TF.js Layers model.'),

  'generate.prepare': def(G.GeneratePrepareInput, G.GeneratePrepareOutput, 'Let the editor model read the text before the cursor while the writer types.'),
  'generate.complete': def(G.GenerateCompleteInput, G.GenerateCompleteOutput, 'Continuations of the text before the cursor, best first.'),
  'generate.summarize': def(G.GenerateSummarizeInput, G.GenerateSummarizeOutput, 'A summary with its tokens and attention matrix.'),
  'generate.reply': def(G.GenerateReplyInput, G.GenerateReplyOutput, 'A dialogue reply (tokens also stream as generation.token).'),

  'settings.get': def(Empty, S.Settings, 'Pane models, theme and completion timing.'),
  'settings.update': def(S.SettingsUpdateInput, S.Settings, 'Change some settings; returns them all.'),

  'system.report': def(Empty, S.SystemReport, 'Compute backend report, data directory and versions.'),

  'presets.list': def(S.PresetsListInput, S.PresetsListOutput, 'Training presets with estimated time per backend.'),
} as const satisfies Record<string, MethodDef>;

export type ApiTable = typeof apiTable;
export type ApiMethod = keyof ApiTable;
/** What a caller passes (defaults still optional). */
export type ApiInput<M extends ApiMethod> = z.input<ApiTable[M]['input']>;
/** What a handler receives (validated, defaults applied). */
export type ApiParsedInput<M extends ApiMethod> = z.output<ApiTable[M]['input']>;
/** What a caller receives. */
export type ApiOutput<M extends ApiMethod> = z.output<ApiTable[M]['output']>;
/** What a handler may return (validated into ApiOutput). */
export type ApiResult<M extends ApiMethod> = z.input<ApiTable[M]['output']>;

export const API_METHODS = Object.keys(apiTable) as ApiMethod[];

export const isApiMethod = (name: string): name is ApiMethod => Object.hasOwn(apiTable, name);

/** Per-call options: cancellation, an explicit request id, and streamed tokens for generation. */
export interface CallOptions {
  signal?: AbortSignal;
  requestId?: string;
  onToken?: (text: string) => void;
}

export type ApiFunction<M extends ApiMethod> = Record<string, never> extends ApiInput<M>
  ? (input?: ApiInput<M>, options?: CallOptions) => Promise<ApiOutput<M>>
  : (input: ApiInput<M>, options?: CallOptions) => Promise<ApiOutput<M>>;

type NamespaceOf<M> = M extends `${infer N}.${string}` ? N : never;
export type ApiNamespace = NamespaceOf<ApiMethod>;

/** The API as nested objects: `api.corpora.list()`, `api.generate.complete({...})`. */
export type Api = {
  [N in ApiNamespace]: {
    [M in ApiMethod as M extends `${N}.${infer F}` ? F : never]: ApiFunction<M>;
  };
};
