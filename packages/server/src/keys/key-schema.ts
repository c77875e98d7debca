import { randomBytes } from "node:crypto";
import { Isol8Error } from "@isol8/core";
import { z } from "zod";
import { apiKeyDigest, generateApiKey } from "../auth/api-key.js";
import type { ApiKeyRecord, CreateKeyInput, KeyQuota } from "./key-store.js";

/**
 * The one schema of every key store. Plain SQL that SQLite and PostgreSQL both accept: times are BIGINT
 * milliseconds since the epoch, the digest is lowercase hex, the quota JSON text, so rows read back alike.
 */
export const KEY_SCHEMA_STATEMENTS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS isol8_api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    tenant TEXT NOT NULL,
    key_sha256 TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT,
    quota TEXT NOT NULL DEFAULT '{}'
  )`,
  "CREATE INDEX IF NOT EXISTS isol8_api_keys_tenant ON isol8_api_keys (tenant)",
];

export const KEY_COLUMNS = "id, name, tenant, key_sha256, created_at, expires_at, revoked_at, quota";

/** A row as both drivers return it (pg returns BIGINT as a string). */
export interface KeyRow {
  id: string;
  name: string;
  tenant: string;
  key_sha256: string;
  created_at: number | string;
  expires_at: number | string | null;
  revoked_at: number | string | null;
  quota: string;
}

/** Tenant names become part of engine session names, so they keep to the characters those allow, and no dot. */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** The tenant the admin key acts as when it runs code itself. */
export const RESERVED_TENANT = "admin";

export const keyQuotaSchema = z.strictObject({
  maxConcurrentExecutions: z.number().int().positive().optional(),
  maxSessions: z.number().int().nonnegative().optional(),
});

const createKeyInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  tenant: z
    .string()
    .regex(TENANT_PATTERN, "must be 1-32 lowercase letters, digits, '-' or '_'")
    // The admin key runs code as this tenant; a key of the same tenant would share its sessions.
    .refine((tenant) => tenant !== RESERVED_TENANT, `"${RESERVED_TENANT}" is reserved for the admin key`),
  expiresAt: z.date().optional(),
  quota: keyQuotaSchema.default({}),
});

/** Validates what `create` was given, the same way in every store. */
export function parseCreateKeyInput(input: CreateKeyInput): Required<Omit<CreateKeyInput, "expiresAt">> & {
  expiresAt: Date | undefined;
} {
  const parsed = createKeyInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Isol8Error("INVALID_INPUT", `key ${issue?.path.join(".") || "input"}: ${issue?.message}`);
  }
  return { ...parsed.data, expiresAt: parsed.data.expiresAt };
}

export function newKeyId(): string {
  return `key_${randomBytes(9).toString("base64url")}`;
}

/**
 * A new key and the row every store inserts for it: the input validated, a fresh secret (returned once, stored only
 * as its SHA-256), a public id.
 */
export function newKeyRow(input: CreateKeyInput, now: number): { key: string; row: KeyRow } {
  const parsed = parseCreateKeyInput(input);
  const key = generateApiKey();
  const row: KeyRow = {
    id: newKeyId(),
    name: parsed.name,
    tenant: parsed.tenant,
    key_sha256: apiKeyDigest(key).toString("hex"),
    created_at: now,
    expires_at: parsed.expiresAt?.getTime() ?? null,
    revoked_at: null,
    quota: JSON.stringify(parsed.quota),
  };
  return { key, row };
}

const time = (value: number | string | null): Date | undefined =>
  value === null ? undefined : new Date(Number(value));

export function recordFromRow(row: KeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    tenant: row.tenant,
    createdAt: new Date(Number(row.created_at)),
    expiresAt: time(row.expires_at),
    revokedAt: time(row.revoked_at),
    quota: parseQuota(row.quota),
  };
}

function parseQuota(text: string): KeyQuota {
  const parsed = keyQuotaSchema.safeParse(JSON.parse(text));
  // A quota the schema no longer reads must not lift a cap: refuse the key's use rather than guess.
  if (!parsed.success) throw new Isol8Error("INTERNAL", "a stored key quota does not match the schema");
  return parsed.data;
}

/** Whether a stored key may be used at `now`. */
export function isUsable(row: KeyRow, now: number): boolean {
  if (row.revoked_at !== null) return false;
  return row.expires_at === null || Number(row.expires_at) > now;
}
