import { Isol8Error, type NetworkLogEntry, type NetworkPolicy, proxyEnvironment } from "@isol8/core";
import type { Sandbox } from "../sandbox/sandbox.js";
import type { EgressProxies, EgressProxy } from "./egress-proxies.js";

/** Where a sandbox is during one phase of an execution (install or run). */
export interface NetworkPhase {
  /** The egress proxy whose internal network the sandbox is on; undefined: no network at all, or the host's. */
  proxy: EgressProxy | undefined;
  /** Proxy variables for the phase's commands, as "K=V"; they go under the runtime's and the user's variables. */
  env: string[];
}

export interface DnsSettings {
  servers: string[];
  options: string[];
}

/** How an execution's sandbox is networked, decided before the sandbox exists. */
export interface SandboxNetworkPlan {
  /** NetworkMode to create the sandbox with: the first internal network it needs, "host" or "none". */
  networkMode: string;
  /** DNS of a sandbox created on an internal network (see DEAD_END_DNS). */
  dns: DnsSettings | undefined;
  install: NetworkPhase;
  run: NetworkPhase;
}

/**
 * Docker's embedded DNS serves every container on a user-defined network and forwards the names it does not know
 * to the host's resolvers — from the host's side when they are on the host's loopback (systemd-resolved), which
 * would let a sandbox leak data through DNS queries. A server named explicitly is asked from inside the sandbox
 * instead, and 127.0.0.1 there answers nothing; one short try makes the failure quick (about a second).
 */
export const DEAD_END_DNS: DnsSettings = { servers: ["127.0.0.1"], options: ["timeout:1", "attempts:1"] };

const DIRECT: NetworkPhase = { proxy: undefined, env: [] };

/**
 * The networks of an execution. Installs (when `registries` is given) sit on a filtered network that allows only
 * the runtime's registries; the program then runs under its policy: no network, its own filtered network, or the
 * host's. With `host` there is nothing to filter — the program gets the host's network anyway — so installs use it
 * too (a container cannot leave the host network).
 */
export async function planSandboxNetwork(
  egress: EgressProxies,
  policy: NetworkPolicy,
  registries: readonly string[] | undefined,
): Promise<SandboxNetworkPlan> {
  if (policy.mode === "host") return { networkMode: "host", dns: undefined, install: DIRECT, run: DIRECT };
  const [install, run] = await Promise.all([
    registries ? filtered(egress, { allow: [...registries], deny: [] }) : DIRECT,
    policy.mode === "filtered" ? filtered(egress, policy) : DIRECT,
  ]);
  const first = install.proxy ?? run.proxy;
  return { networkMode: first?.network ?? "none", dns: first ? DEAD_END_DNS : undefined, install, run };
}

async function filtered(
  egress: EgressProxies,
  policy: Pick<NetworkPolicy, "allow" | "deny">,
): Promise<NetworkPhase> {
  const proxy = await egress.ensure(policy);
  return { proxy, env: proxyEnvironment(proxy) };
}

/** Puts the sandbox on the install phase's network (a sandbox created there is already on it). */
export async function enterInstallNetwork(sandbox: Sandbox, plan: SandboxNetworkPlan): Promise<void> {
  if (plan.install.proxy) await sandbox.joinNetwork(plan.install.proxy.network);
}

/** Takes the sandbox off the install network and onto the run's, if it has one. */
export async function enterRunNetwork(sandbox: Sandbox, plan: SandboxNetworkPlan): Promise<void> {
  const install = plan.install.proxy?.network;
  const run = plan.run.proxy?.network;
  if (install && install !== run) await sandbox.leaveNetwork(install);
  if (run) await sandbox.joinNetwork(run);
}

/** Takes a kept-alive sandbox (a session) off the run's network, so that the next execution starts without one. */
export async function leaveRunNetwork(sandbox: Sandbox, plan: SandboxNetworkPlan): Promise<void> {
  if (plan.run.proxy) await sandbox.leaveNetwork(plan.run.proxy.network);
}

/** How long the proxy's log must stay unchanged before the requests of a finished program count as complete. */
const LOG_SETTLE_MS = 100;
const LOG_READS = 6;

/**
 * The program's requests, from the proxy's access log: those from the sandbox's address that started within the
 * run. Squid writes a line when a request ends (a tunnel when it closes, which the program's exit does), so the log
 * is read until it stops growing. Requests still open when the program ended (held by a process it left behind)
 * are not listed.
 */
export async function collectRequests(
  egress: EgressProxies,
  proxy: EgressProxy,
  client: string,
  window: { from: number; to: number },
): Promise<NetworkLogEntry[]> {
  let entries = await egress.requests(proxy, client, window);
  for (let read = 1; read < LOG_READS; read++) {
    await new Promise((resolve) => setTimeout(resolve, LOG_SETTLE_MS));
    const again = await egress.requests(proxy, client, window);
    if (again.length === entries.length) return again;
    entries = again;
  }
  return entries;
}

/** A session's container was not created on the host network and can never join it. */
export function assertJoinable(plan: SandboxNetworkPlan): void {
  if (plan.networkMode === "host") {
    throw new Isol8Error("INVALID_INPUT", "A session cannot use the host network", {
      hint: 'Use --net filtered with --allow, or "none".',
    });
  }
}
