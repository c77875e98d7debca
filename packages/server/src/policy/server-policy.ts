import { formatZodIssues, Isol8Error, parseHostPatterns } from "@isol8/core";
import {
  BUILT_IN_CEILINGS,
  BUILT_IN_DEFAULTS,
  POLICY_LIMIT_FIELDS,
  type ServerPolicyInput,
  serverPolicySchema,
  type TenantPolicy,
  type TenantPolicyInput,
} from "./policy-schema.js";

/** The server's policy, resolved once at start: every tenant's ceilings are known before a request arrives. */
export interface ServerPolicy {
  /** The policy of a tenant: its own entry over `tenantDefaults` over the built-in values. */
  forTenant(tenant: string): TenantPolicy;
  maxConcurrentExecutions: number;
  maxQueuedExecutions: number;
}

/**
 * Validates a policy config, reporting every problem as `path: message` (CONFIG_INVALID). A default above its
 * ceiling is a config error rather than a silent clamp: the operator meant one of the two.
 */
export function createServerPolicy(input: ServerPolicyInput = {}): ServerPolicy {
  const parsed = serverPolicySchema.safeParse(input);
  if (!parsed.success) {
    throw new Isol8Error("CONFIG_INVALID", `server policy: ${formatZodIssues(parsed.error).join("; ")}`);
  }
  const config = parsed.data;
  const base = resolveTenant(config.tenantDefaults, undefined, "tenantDefaults");
  const tenants = new Map<string, TenantPolicy>();
  for (const [tenant, own] of Object.entries(config.tenants)) {
    tenants.set(tenant, resolveTenant(config.tenantDefaults, own, `tenants.${tenant}`));
  }
  return {
    forTenant: (tenant) => tenants.get(tenant) ?? base,
    maxConcurrentExecutions: config.maxConcurrentExecutions,
    maxQueuedExecutions: config.maxQueuedExecutions,
  };
}

function resolveTenant(
  shared: TenantPolicyInput,
  own: TenantPolicyInput | undefined,
  path: string,
): TenantPolicy {
  const pick = <K extends keyof TenantPolicyInput>(key: K) => own?.[key] ?? shared[key];
  const ceilings = { ...BUILT_IN_CEILINGS, ...shared.ceilings, ...own?.ceilings };
  // A default no one set follows a lowered ceiling down, so lowering a ceiling alone is a valid config.
  const defaults = { ...BUILT_IN_DEFAULTS };
  for (const field of POLICY_LIMIT_FIELDS) defaults[field] = Math.min(defaults[field], ceilings[field]);
  Object.assign(defaults, shared.defaults, own?.defaults);
  for (const field of POLICY_LIMIT_FIELDS) {
    if (defaults[field] > ceilings[field]) {
      throw new Isol8Error(
        "CONFIG_INVALID",
        `server policy: ${path}.defaults.${field} (${defaults[field]}) is above its ceiling (${ceilings[field]})`,
      );
    }
  }
  const network = { ...shared.network, ...own?.network };
  const allow = parseHostPatterns(network.allow ?? [], `server policy ${path}.network.allow`);
  const deny = parseHostPatterns(network.deny ?? [], `server policy ${path}.network.deny`);
  return {
    defaults,
    ceilings,
    network: {
      modes: network.modes ?? ["none"],
      allow: allow.map((pattern) => pattern.text),
      deny: deny.map((pattern) => pattern.text),
    },
    runtimes: pick("runtimes"),
    images: pick("images") ?? [],
    install: pick("install") ?? true,
    maxConcurrentExecutions: pick("maxConcurrentExecutions") ?? 4,
    maxQueuedExecutions: pick("maxQueuedExecutions") ?? 16,
    maxSessions: pick("maxSessions") ?? 4,
  };
}
