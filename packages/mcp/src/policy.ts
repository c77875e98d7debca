import { formatZodIssues, Isol8Error } from "@isol8/core";
import { z } from "zod";

/**
 * What the tools let a client ask for. The caller of an MCP tool is a model, which a prompt injection can steer,
 * so even a local stdio server caps it. Behind `isol8 serve` the tenant's server policy applies as well (the
 * engine the server hands over enforces it); this policy only narrows that.
 */
export const mcpPolicySchema = z.strictObject({
  /** Runtimes the tools may use; `list_runtimes` shows only these. @default every runtime of the engine */
  runtimes: z.array(z.string().min(1)).min(1).optional(),
  /** The timeout of a call that names none. @default the engine's (30 s for the local engine) */
  defaultTimeoutMs: z.number().int().positive().optional(),
  /** The longest timeout a call may ask for; above it the call fails with POLICY_DENIED. @default 300000 */
  maxTimeoutMs: z.number().int().positive().default(300_000),
  /** Sessions one MCP connection may hold at once. @default 4 */
  maxSessions: z.number().int().min(0).default(4),
  /** Whether calls may install packages at run time. @default true */
  install: z.boolean().default(true),
});
export type McpPolicyInput = z.input<typeof mcpPolicySchema>;
export type McpPolicy = z.output<typeof mcpPolicySchema>;

/** Validates a policy, reporting every problem as `path: message` (CONFIG_INVALID). */
export function resolveMcpPolicy(input: McpPolicyInput = {}): McpPolicy {
  const parsed = mcpPolicySchema.safeParse(input);
  if (!parsed.success) {
    throw new Isol8Error("CONFIG_INVALID", `MCP policy: ${formatZodIssues(parsed.error).join("; ")}`);
  }
  const policy = parsed.data;
  if (policy.defaultTimeoutMs !== undefined && policy.defaultTimeoutMs > policy.maxTimeoutMs) {
    throw new Isol8Error(
      "CONFIG_INVALID",
      `MCP policy: defaultTimeoutMs (${policy.defaultTimeoutMs}) is above maxTimeoutMs (${policy.maxTimeoutMs})`,
    );
  }
  return policy;
}

/** Refuses a runtime outside the policy's list. */
export function checkRuntime(policy: McpPolicy, runtime: string): void {
  if (policy.runtimes && !policy.runtimes.includes(runtime)) {
    throw new Isol8Error("POLICY_DENIED", `runtime "${runtime}" is not offered here`, {
      hint: `Use one of: ${policy.runtimes.join(", ")} (list_runtimes).`,
    });
  }
}

/** The limits of a run: the asked timeout within the ceiling, or the policy's default, or the engine's. */
export function runLimits(policy: McpPolicy, timeoutMs: number | undefined): { timeoutMs?: number } {
  if (timeoutMs !== undefined && timeoutMs > policy.maxTimeoutMs) {
    throw new Isol8Error(
      "POLICY_DENIED",
      `timeoutMs ${timeoutMs} is above the ceiling of ${policy.maxTimeoutMs}`,
      {
        hint: `Ask for ${policy.maxTimeoutMs} ms or less.`,
      },
    );
  }
  const chosen = timeoutMs ?? policy.defaultTimeoutMs;
  return chosen === undefined ? {} : { timeoutMs: chosen };
}

/** Refuses packages when the policy forbids installs. */
export function checkInstall(policy: McpPolicy, packages: readonly string[]): void {
  if (!policy.install && packages.length > 0) {
    throw new Isol8Error("POLICY_DENIED", "installing packages is not allowed here", {
      hint: "Leave packages out, or use a session whose image has them.",
    });
  }
}
