import pg from "pg";
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

export interface PostgresKeyStoreOptions {
  /** A `postgres://` connection string. */
  url: string;
  /** Connections kept open. @default 4 */
  maxConnections?: number;
  /** The clock, for expiry. @default Date.now */
  now?: () => number;
}

/** Any fixed number: servers creating the schema at the same time take this lock in turn. */
const SCHEMA_LOCK = 0x15018;

/**
 * The key store for several servers sharing one database. Same schema and behaviour as the SQLite store; the
 * schema is created on first use under an advisory lock, since concurrent CREATE TABLE IF NOT EXISTS can collide.
 */
export function createPostgresKeyStore(options: PostgresKeyStoreOptions): KeyStore {
  const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 4 });
  // An idle connection that the database drops must not crash the process; the next query reconnects.
  pool.on("error", () => undefined);
  const now = options.now ?? Date.now;
  let ready: Promise<void> | undefined;

  const migrate = async () => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
      for (const statement of KEY_SCHEMA_STATEMENTS) await client.query(statement);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
    ready ??= migrate().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    await ready;
    return pool.query<R>(text, values);
  };

  return {
    async create(input: CreateKeyInput): Promise<CreatedKey> {
      const { key, row } = newKeyRow(input, now());
      await query(`INSERT INTO isol8_api_keys (${KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)`, [
        row.id,
        row.name,
        row.tenant,
        row.key_sha256,
        row.created_at,
        row.expires_at,
        row.quota,
      ]);
      return { key, record: recordFromRow(row) };
    },
    async list(filter = {}): Promise<ApiKeyRecord[]> {
      const result =
        filter.tenant === undefined
          ? await query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM isol8_api_keys ORDER BY created_at, id`)
          : await query<KeyRow>(
              `SELECT ${KEY_COLUMNS} FROM isol8_api_keys WHERE tenant = $1 ORDER BY created_at, id`,
              [filter.tenant],
            );
      return result.rows.map(recordFromRow);
    },
    async revoke(id: string): Promise<boolean> {
      const result = await query(
        "UPDATE isol8_api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2",
        [now(), id],
      );
      return (result.rowCount ?? 0) > 0;
    },
    async verify(key: string): Promise<VerifiedKey | undefined> {
      if (!looksLikeApiKey(key)) return undefined;
      const result = await query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM isol8_api_keys WHERE key_sha256 = $1`, [
        apiKeyDigest(key).toString("hex"),
      ]);
      const row = result.rows[0];
      if (!row || !digestMatches(key, Buffer.from(row.key_sha256, "hex")) || !isUsable(row, now())) {
        return undefined;
      }
      const { id, name, tenant, quota } = recordFromRow(row);
      return { id, name, tenant, quota };
    },
    async ping(): Promise<void> {
      await query("SELECT 1");
    },
    async close(): Promise<void> {
      await pool.end();
    },
  };
}
