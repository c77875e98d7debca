import type { NetworkMode } from "@isol8/core";
import { z } from "zod";
import { TENANT_PATTERN } from "../keys/key-schema.js";

/** The library's network modes, as a tuple zod can enumerate. */
export const NETWORK_MODES = ["none", "filtered", "host"] as const satisfies readonly NetworkMode[];
const networkModeSchema = z.enum(NETWORK_MODES);

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** The limits a policy sets a default and a ceiling for: an execution's, plus a session's idle timeout. */
export const POLICY_LIMIT_FIELDS = [
  "timeoutMs",
  "memoryBytes",
  "cpus",
  "pids",
  "sandboxBytes",
  "tmpBytes",
  "maxOutputBytes",
  "installTimeoutMs",
  "idleTimeoutMs",
] as const;
export type PolicyLimitField = (typeof POLICY_LIMIT_FIELDS)[number];
export type PolicyLimits = Record<PolicyLimitField, number>;

const positive = z.number().positive();
const positiveInt = z.number().int().positive();
const limitsShape = {
  timeoutMs: positiveInt,
  memoryBytes: positiveInt,
  cpus: positive,
  pids: positiveInt,
  sandboxBytes: positiveInt,
  tmpBytes: positiveInt,
  maxOutputBytes: positiveInt,
  installTimeoutMs: positiveInt,
  idleTimeoutMs: positiveInt,
} satisfies Record<PolicyLimitField, z.ZodType>;
const partialLimitsSchema = z.strictObject(limitsShape).partial();

/** What an omitted field gets: the library's own defaults, and 15 minutes of idleness for a session. */
export const BUILT_IN_DEFAULTS: PolicyLimits = {
  timeoutMs: 30_000,
  memoryBytes: 512 * MiB,
  cpus: 1,
  pids: 128,
  sandboxBytes: 512 * MiB,
  tmpBytes: 64 * MiB,
  maxOutputBytes: 1 * MiB,
  installTimeoutMs: 300_000,
  idleTimeoutMs: 900_000,
};

/** The most a client may ask for when the config says nothing: modest, because a ceiling is never "unlimited". */
export const BUILT_IN_CEILINGS: PolicyLimits = {
  timeoutMs: 300_000,
  memoryBytes: 2 * GiB,
  cpus: 2,
  pids: 512,
  sandboxBytes: 2 * GiB,
  tmpBytes: 512 * MiB,
  maxOutputBytes: 16 * MiB,
  installTimeoutMs: 600_000,
  idleTimeoutMs: 3_600_000,
};

/** Every knob of a tenant's policy; all optional, so a tenant's entry only says how it differs. */
const tenantPolicyInputSchema = z.strictObject({
  /** What an omitted limit gets. */
  defaults: partialLimitsSchema.optional(),
  /** The most a request may ask for; above it the request is refused with 400. */
  ceilings: partialLimitsSchema.optional(),
  network: z
    .strictObject({
      /** Network modes a client may ask for. @default ["none"] */
      modes: z.array(networkModeSchema).min(1).optional(),
      /** Host patterns a client may allow in filtered mode; also the allow list when it gives none. @default [] */
      allow: z.array(z.string()).optional(),
      /** Host patterns always denied in filtered mode, whatever the client asks. @default [] */
      deny: z.array(z.string()).optional(),
    })
    .optional(),
  /** Runtimes a client may use. @default every runtime the engine offers */
  runtimes: z.array(z.string().min(1)).optional(),
  /** Images a client may name in `image` (built by isol8). @default [] (none: the resolved image only) */
  images: z.array(z.string().min(1)).optional(),
  /** Whether requests may install packages at run time. @default true */
  install: z.boolean().optional(),
  /** Executions of the tenant running at once. @default 4 */
  maxConcurrentExecutions: positiveInt.optional(),
  /** Executions of the tenant waiting for a slot; past it, 429. @default 16 */
  maxQueuedExecutions: z.number().int().nonnegative().optional(),
  /** Sessions the tenant may hold at once. @default 4 */
  maxSessions: z.number().int().nonnegative().optional(),
});
export type TenantPolicyInput = z.input<typeof tenantPolicyInputSchema>;

export const serverPolicySchema = z.strictObject({
  /** Applies to every tenant. */
  tenantDefaults: tenantPolicyInputSchema.default({}),
  /** Per tenant, what differs from `tenantDefaults` (objects merge field by field). @default {} */
  tenants: z.record(z.string().regex(TENANT_PATTERN), tenantPolicyInputSchema).default({}),
  /** Executions running at once on the whole server. @default 8 */
  maxConcurrentExecutions: positiveInt.default(8),
  /** Executions waiting for a slot on the whole server; past it, 429. @default 64 */
  maxQueuedExecutions: z.number().int().nonnegative().default(64),
});
export type ServerPolicyInput = z.input<typeof serverPolicySchema>;
export type ServerPolicyConfig = z.output<typeof serverPolicySchema>;

/** One tenant's policy with every default filled in. */
export interface TenantPolicy {
  defaults: PolicyLimits;
  ceilings: PolicyLimits;
  network: { modes: NetworkMode[]; allow: string[]; deny: string[] };
  runtimes: string[] | undefined;
  images: string[];
  install: boolean;
  maxConcurrentExecutions: number;
  maxQueuedExecutions: number;
  maxSessions: number;
}
