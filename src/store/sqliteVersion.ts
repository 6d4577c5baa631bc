/**
 * The SQLite library version better-sqlite3 was built with, for `longhand doctor`. Loaded lazily so that a
 * broken native module (for example one built for another Electron ABI) is reported, not fatal.
 */
export async function sqliteVersion(nativeBinding?: string): Promise<string> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(':memory:', nativeBinding ? { nativeBinding } : {});
  try {
    return String(db.prepare('select sqlite_version()').pluck().get());
  } finally {
    db.close();
  }
}
