/** The writer's own documents in the editor (drafts), as opposed to training text in corpora. */
import { isoNow, type RepoContext } from './context.js';
import { NotFoundError, StoreError } from './errors.js';
import type { DraftRow } from './types.js';

interface DraftDbRow {
  id: number;
  title: string;
  text: string;
  created_at: string;
  updated_at: string;
}

const toDraft = (r: DraftDbRow): DraftRow => ({
  id: r.id,
  title: r.title,
  text: r.text,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface DraftsRepo {
  create(draft?: { title?: string; text?: string }): DraftRow;
  get(id: number): DraftRow | undefined;
  /** Most recently edited first. */
  list(): DraftRow[];
  update(id: number, changes: { title?: string; text?: string }): DraftRow;
  remove(id: number): boolean;
}

export function draftsRepo(ctx: RepoContext): DraftsRepo {
  const { db } = ctx;
  const insert = db.prepare<[string, string, string, string], DraftDbRow>(
    'INSERT INTO drafts (title, text, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING *',
  );
  const selectById = db.prepare<[number], DraftDbRow>('SELECT * FROM drafts WHERE id = ?');
  const selectAll = db.prepare<[], DraftDbRow>('SELECT * FROM drafts ORDER BY updated_at DESC, id DESC');
  const update = db.prepare<[string | null, string | null, string, number], DraftDbRow>(
    `UPDATE drafts SET title = coalesce(?, title), text = coalesce(?, text), updated_at = ?
     WHERE id = ? RETURNING *`,
  );
  const del = db.prepare<[number]>('DELETE FROM drafts WHERE id = ?');

  return {
    create: (draft = {}) => {
      const now = isoNow(ctx);
      const row = insert.get(draft.title ?? '', draft.text ?? '', now, now);
      if (!row) throw new StoreError('could not create draft');
      return toDraft(row);
    },
    get: (id) => {
      const r = selectById.get(id);
      return r && toDraft(r);
    },
    list: () => selectAll.all().map(toDraft),
    update: (id, changes) => {
      const row = update.get(changes.title ?? null, changes.text ?? null, isoNow(ctx), id);
      if (!row) throw new NotFoundError(`no draft with id ${id}`);
      return toDraft(row);
    },
    remove: (id) => del.run(id).changes > 0,
  };
}
