import Database from "better-sqlite3";
import { apiKeyDigest, digestMatches, looksLikeApiKey } from "../auth/api-key.js";
import {
  isUsable,
  KEY_COLUMNS,
  KEY_SCHEMA_STATEMENTS,
  type KeyRow,
  newKeyRow,
  recordFromRow,
} from "./key-schema.js";
import type { ApiKeyRecord, CreatedKey, CreateKeyInput, KeyStore, VerifiedKey } from "./key-store.js";

export interface SqliteKeyStoreOptions {
  /** Path of the database file (created if missing), or ":memory:". */
  path: string;
  /** The clock, for expiry. @default Date.now */
  now?: () => number;
}

/**
 * The embedded key store: one SQLite file in WAL mode, so readers (every request verifies a key) never wait for
 * a writer (`isol8 keys create` in another process).
 */
export function createSqliteKeyStore(options: SqliteKeyStoreOptions): KeyStore {
  const db = new Database(options.path);
  db.pragma("journal_mode = WAL");
  // Another process (the keys CLI) may hold the write lock for a moment; wait rather than fail.
  db.pragma("busy_timeout = 5000");
  for (const statement of KEY_SCHEMA_STATEMENTS) db.exec(statement);
  const now = options.now ?? Date.now;

  const insert = db.prepare(
    `INSERT INTO isol8_api_keys (${KEY_COLUMNS}) VALUES (@id, @name, @tenant, @key_sha256, @created_at, @expires_at, NULL, @quota)`,
  );
  const byDigest = db.prepare<[string], KeyRow>(
    `SELECT ${KEY_COLUMNS} FROM isol8_api_keys WHERE key_sha256 = ?`,
  );
  const all = db.prepare<[], KeyRow>(`SELECT ${KEY_COLUMNS} FROM isol8_api_keys ORDER BY created_at, id`);
  const ofTenant = db.prepare<[string], KeyRow>(
    `SELECT ${KEY_COLUMNS} FROM isol8_api_keys WHERE tenant = ? ORDER BY created_at, id`,
  );
  const revoke = db.prepare<[number, string]>(
    "UPDATE isol8_api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
  );

  return {
    async create(input: CreateKeyInput): Promise<CreatedKey> {
      const { key, row } = newKeyRow(input, now());
      insert.run(row);
      return { key, record: recordFromRow(row) };
    },
    async list(filter = {}): Promise<ApiKeyRecord[]> {
      const rows = filter.tenant === undefined ? all.all() : ofTenant.all(filter.tenant);
      return rows.map(recordFromRow);
    },
    async revoke(id: string): Promise<boolean> {
      return revoke.run(now(), id).changes > 0;
    },
    async verify(key: string): Promise<VerifiedKey | undefined> {
      if (!looksLikeApiKey(key)) return undefined;
      const row = byDigest.get(apiKeyDigest(key).toString("hex"));
      if (!row || !digestMatches(key, Buffer.from(row.key_sha256, "hex")) || !isUsable(row, now())) {
        return undefined;
      }
      const { id, name, tenant, quota } = recordFromRow(row);
      return { id, name, tenant, quota };
    },
    async ping(): Promise<void> {
      db.prepare("SELECT 1").get();
    },
    async close(): Promise<void> {
      if (db.open) db.close();
    },
  };
}
