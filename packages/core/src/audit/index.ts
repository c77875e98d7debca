export {
  type AuditEntry,
  type AuditLog,
  type AuditLogOptions,
  createAuditLog,
  sha256Hex,
} from "./audit-log.js";
export { auditEngine } from "./audited-engine.js";
