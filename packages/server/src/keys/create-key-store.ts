import type { KeyStore } from "./key-store.js";
import { createPostgresKeyStore } from "./postgres-key-store.js";
import { createSqliteKeyStore } from "./sqlite-key-store.js";

/** A `postgres://` (or `postgresql://`) URL opens the PostgreSQL store; anything else is a SQLite file path. */
export function createKeyStore(location: string): KeyStore {
  return /^postgres(ql)?:\/\//i.test(location)
    ? createPostgresKeyStore({ url: location })
    : createSqliteKeyStore({ path: location });
}
