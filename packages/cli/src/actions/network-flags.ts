import {
  Isol8Error,
  mergeNetworkPolicy,
  type NetworkLogEntry,
  type NetworkMode,
  type NetworkPolicy,
  type NetworkRefusal,
  parseHostPatterns,
  type ResolvedConfig,
} from "@isol8/core";
import { splitList } from "./parse-flags.js";

export interface NetworkFlags {
  net?: NetworkMode | undefined;
  allow: readonly string[];
  deny: readonly string[];
  logNetwork: boolean;
  session?: string | undefined;
}

/**
 * The run's network policy: --net, --allow and --deny over the config's defaults (see mergeNetworkPolicy). Every
 * pattern is checked here, named by where it came from, so a typo fails before anything is created.
 */
export function networkPolicyFor(
  flags: NetworkFlags,
  config: Pick<ResolvedConfig, "defaults">,
): NetworkPolicy {
  const allow = splitList(flags.allow);
  const deny = splitList(flags.deny);
  parseHostPatterns(allow, "--allow");
  parseHostPatterns(deny, "--deny");
  parseHostPatterns(config.defaults.allow, "The config's defaults.allow");
  parseHostPatterns(config.defaults.deny, "The config's defaults.deny");
  const policy = mergeNetworkPolicy(config, {
    ...(flags.net ? { mode: flags.net } : {}),
    ...(allow.length > 0 ? { allow } : {}),
    ...(deny.length > 0 ? { deny } : {}),
  });
  if (policy.mode !== "filtered" && (allow.length > 0 || deny.length > 0)) {
    throw new Isol8Error(
      "INVALID_INPUT",
      `--allow and --deny need --net filtered (the network is "${policy.mode}")`,
      { hint: "Add --net filtered: only the egress proxy of a filtered network applies them." },
    );
  }
  if (policy.mode === "host" && flags.session !== undefined) {
    throw new Isol8Error("INVALID_INPUT", "A session cannot use --net host", {
      hint: "A session's container was not created on the host's network and cannot join it; use --net filtered.",
    });
  }
  if (policy.mode !== "filtered" && flags.logNetwork) {
    throw new Isol8Error(
      "INVALID_INPUT",
      `--log-network needs --net filtered (the network is "${policy.mode}")`,
      {
        hint: "Only the egress proxy of a filtered network sees the program's requests.",
      },
    );
  }
  return policy;
}

/** The one-line warning that --net host (or a config saying "host") earns. */
export const HOST_NETWORK_WARNING =
  "isol8: warning: --net host gives the program the host's network, without any isolation of its traffic";

const REFUSALS: Record<NetworkRefusal, string> = {
  denied: "matches --deny",
  "not-allowed": "not on the allowlist",
  port: "port not allowed",
  address: "private or local address",
};

/** The requests of --log-network as a short table, one line per request (for stderr without --json). */
export function formatNetworkLog(entries: readonly NetworkLogEntry[]): string[] {
  const rows = entries.map((entry) => [
    entry.method,
    `${entry.host}:${entry.port}`,
    entry.allowed ? "allowed" : "refused",
    entry.status === undefined ? "-" : String(entry.status),
    entry.allowed ? `${entry.durationMs} ms` : entry.reason ? REFUSALS[entry.reason] : "refused by the proxy",
  ]);
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  const lines = rows.map((row) =>
    row
      .map((cell, column) => (column < 4 ? cell.padEnd(widths[column] ?? 0) : cell))
      .join("  ")
      .trimEnd(),
  );
  return [
    `network: ${entries.length} request(s) through the egress proxy`,
    ...lines.map((line) => `  ${line}`),
  ];
}
