import { Isol8Error, type NetworkLogEntry, type NetworkPolicy, proxyEnvironment } from "@isol8/core";
import type { Sandbox } from "../sandbox/sandbox.js";
import type { EgressProxies, EgressProxy } from "./egress-proxies.js";
import type { SandboxNetworks } from "./sandbox-networks.js";

/** Where a sandbox is during one phase of an execution (install or run). */
export interface NetworkPhase {
  /** The egress proxy the phase goes out through, on a network of the sandbox's own; undefined: none, or the host's. */
  proxy: EgressProxy | undefined;
}

export interface DnsSettings {
  servers: string[];
  options: string[];
}

/** How an execution's sandbox is networked, decided before the sandbox exists. */
export interface SandboxNetworkPlan {
  /** NetworkMode to create the sandbox with: a network of its own for the first phase that has one (SandboxNetworks), "host" or "none". */
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

const DIRECT: NetworkPhase = { proxy: undefined };

/**
 * The networks of an execution. Installs (when `registries` is given) go out through a proxy that allows only the
 * runtime's registries; the program then runs under its policy: no network, its policy's proxy, or the host's
 * network. Each proxy is reached on a network of the sandbox's own. With `host` there is nothing to filter — the
 * program gets the host's network anyway — so installs use it too (a container cannot leave the host network).
 */
export async function planSandboxNetwork(
  egress: EgressProxies,
  networks: SandboxNetworks,
  policy: NetworkPolicy,
  registries: readonly string[] | undefined,
): Promise<SandboxNetworkPlan> {
  if (policy.mode === "host") return { networkMode: "host", dns: undefined, install: DIRECT, run: DIRECT };
  const [install, run] = await Promise.all([
    registries ? filtered(egress, { allow: [...registries], deny: [] }) : DIRECT,
    policy.mode === "filtered" ? filtered(egress, policy) : DIRECT,
  ]);
  const first = install.proxy ?? run.proxy;
  return {
    networkMode: first ? networks.modeFor(first) : "none",
    dns: first ? DEAD_END_DNS : undefined,
    install,
    run,
  };
}

async function filtered(
  egress: EgressProxies,
  policy: Pick<NetworkPolicy, "allow" | "deny">,
): Promise<NetworkPhase> {
  return { proxy: await egress.ensure(policy) };
}

/** Puts the sandbox on its install network; returns the install commands' proxy variables. */
export async function enterInstallNetwork(
  networks: SandboxNetworks,
  sandbox: Sandbox,
  plan: SandboxNetworkPlan,
): Promise<string[]> {
  const proxy = plan.install.proxy;
  if (!proxy) return [];
  const lease = await networks.join(sandbox, proxy);
  return proxyEnvironment(lease.proxyAddress, proxy.port);
}

/**
 * Takes the sandbox off the install network and onto the run's, if it has one; returns the program's proxy
 * variables.
 */
export async function enterRunNetwork(
  networks: SandboxNetworks,
  sandbox: Sandbox,
  plan: SandboxNetworkPlan,
): Promise<string[]> {
  const install = plan.install.proxy;
  const run = plan.run.proxy;
  if (install && install.id !== run?.id) await networks.leave(sandbox, install.id);
  if (!run) return [];
  const lease = await networks.join(sandbox, run);
  return proxyEnvironment(lease.proxyAddress, run.port);
}

/** Takes a kept-alive sandbox (a session) off its networks, so that the next execution starts without one. */
export async function leaveRunNetwork(networks: SandboxNetworks, sandbox: Sandbox): Promise<void> {
  await networks.leaveAll(sandbox);
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
