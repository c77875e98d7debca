export { API_VERSION, OPENAPI_CONFIG } from "./app.js";
export { generateApiKey, looksLikeApiKey } from "./auth/api-key.js";
export { ADMIN_TENANT } from "./auth/auth-middleware.js";
export type { Caller } from "./context.js";
export {
  type CloseOptions,
  type CreateServerOptions,
  createServer,
  type Isol8Server,
  type ListenOptions,
} from "./create-server.js";
export { type ErrorBody, statusForCode } from "./errors.js";
export { createKeyStore } from "./keys/create-key-store.js";
export { KEY_SCHEMA_STATEMENTS, TENANT_PATTERN } from "./keys/key-schema.js";
export type {
  ApiKeyRecord,
  CreatedKey,
  CreateKeyInput,
  KeyQuota,
  KeyStore,
  VerifiedKey,
} from "./keys/key-store.js";
export { createPostgresKeyStore, type PostgresKeyStoreOptions } from "./keys/postgres-key-store.js";
export { createSqliteKeyStore, type SqliteKeyStoreOptions } from "./keys/sqlite-key-store.js";
export type { Outcome, ServerMetrics } from "./metrics.js";
export {
  BUILT_IN_CEILINGS,
  BUILT_IN_DEFAULTS,
  type ServerPolicyInput,
  serverPolicySchema,
  type TenantPolicy,
  type TenantPolicyInput,
} from "./policy/policy-schema.js";
export { createServerPolicy, type ServerPolicy } from "./policy/server-policy.js";
export { MCP_PATH, type McpMount } from "./routes/mcp.js";
