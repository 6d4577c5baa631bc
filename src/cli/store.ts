/** The store a command works on (the data directory of LONGHAND_HOME or the platform's), and finding a corpus in it by name. */
import { type CorpusSummary, type Store, openStore, resolveDataDir } from '../store/index.js';
import { CliError, type CliIo } from './io.js';

/** Opens the store for `fn` and closes it after, whatever happens. */
export async function withStore<T>(io: CliIo, fn: (store: Store) => T | Promise<T>): Promise<T> {
  const store = openStore(resolveDataDir({ env: io.env }));
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

export function findCorpus(store: Store, name: string): CorpusSummary | undefined {
  const row = store.corpora.byName(name);
  return row && { ...row, ...store.corpora.stats(row.id) };
}

/** The corpus named `name`, or a one-line error naming the corpora there are. */
export function mustFind(store: Store, name: string): CorpusSummary {
  const summary = findCorpus(store, name);
  if (!summary) {
    const known = store.corpora.list().map((c) => c.name);
    const hint = known.length ? ` (corpora: ${known.join(', ')})` : ' (there are no corpora yet: add one with longhand corpus add FILE...)';
    throw new CliError(`no corpus named "${name}"${hint}`);
  }
  return summary;
}
