/** Per-key caps, tighter than the tenant's policy (never looser: the smaller of the two applies). */
export interface KeyQuota {
  /** Executions this key may run at once. */
  maxConcurrentExecutions?: number;
  /** Sessions this key's tenant may hold while using this key. */
  maxSessions?: number;
}

/** What a store knows of a key; never the key itself. */
export interface ApiKeyRecord {
  /** Public id ("key_…"), for listing and revoking. */
  id: string;
  name: string;
  tenant: string;
  createdAt: Date;
  expiresAt: Date | undefined;
  revokedAt: Date | undefined;
  quota: KeyQuota;
}

export interface CreateKeyInput {
  /** A label for people ("ci", "alice's laptop"). */
  name: string;
  /** The tenant whose sessions and policy the key uses: `^[a-z0-9][a-z0-9_-]{0,31}$`. */
  tenant: string;
  /** The key stops working at this time. @default never */
  expiresAt?: Date;
  quota?: KeyQuota;
}

export interface CreatedKey {
  /** The secret: shown once, never stored. */
  key: string;
  record: ApiKeyRecord;
}

/** A valid key, as the server sees it after `verify`. */
export interface VerifiedKey {
  id: string;
  name: string;
  tenant: string;
  quota: KeyQuota;
}

/**
 * Where API keys live: SQLite embedded, PostgreSQL for several servers. Implementations share the schema of
 * `key-schema.ts` and pass the same tests (`key-store-cases.ts`).
 */
export interface KeyStore {
  create(input: CreateKeyInput): Promise<CreatedKey>;
  /** Every key, or a tenant's, oldest first; revoked and expired ones included (they say so). */
  list(filter?: { tenant?: string }): Promise<ApiKeyRecord[]>;
  /** Revokes a key at once; false when there is no key with that id. */
  revoke(id: string): Promise<boolean>;
  /** The key's owner when the key is known, not revoked and not expired; undefined otherwise. */
  verify(key: string): Promise<VerifiedKey | undefined>;
  /** Resolves when the store answers (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
