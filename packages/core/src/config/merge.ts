import type { Limits, NetworkPolicy } from "../execution.js";
import type { ResolvedConfig } from "./resolve.js";

/**
 * The limits of a run: each flag that was given wins over the config, which already holds the defaults for what
 * the file leaves out. `flags` are parsed values (bytes, milliseconds); undefined means "not given".
 */
export function mergeLimits(config: Pick<ResolvedConfig, "defaults">, flags: Partial<Limits> = {}): Limits {
  const { defaults } = config;
  return {
    timeoutMs: flags.timeoutMs ?? defaults.timeout,
    memoryBytes: flags.memoryBytes ?? defaults.memory,
    cpus: flags.cpus ?? defaults.cpus,
    pids: flags.pids ?? defaults.pids,
    sandboxBytes: flags.sandboxBytes ?? defaults.sandboxSize,
    tmpBytes: flags.tmpBytes ?? defaults.tmpSize,
    maxOutputBytes: flags.maxOutputBytes ?? defaults.maxOutput,
    installTimeoutMs: flags.installTimeoutMs ?? defaults.installTimeout,
  };
}

/**
 * The network policy of a run, flags over config. A given `allow` list replaces the configured one; `deny` lists are
 * joined instead, because a flag must never lift a block that the project's config put in place.
 */
export function mergeNetworkPolicy(
  config: Pick<ResolvedConfig, "defaults">,
  flags: Partial<NetworkPolicy> = {},
): NetworkPolicy {
  const { defaults } = config;
  return {
    mode: flags.mode ?? defaults.network,
    allow: [...(flags.allow ?? defaults.allow)],
    deny: [...new Set([...defaults.deny, ...(flags.deny ?? [])])],
  };
}
