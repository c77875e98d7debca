import {
  Isol8Error,
  type NetworkLogEntry,
  type NetworkPolicy,
  PROXY_PORT,
  parseHostPatterns,
  squidConfig,
  stableHash,
} from "@isol8/core";
import type Docker from "dockerode";
import { isConflict, isNotFound } from "../client.js";
import { LABELS } from "../labels.js";
import { egressBridgeName, egressBridgeSpec, proxyContainerSpec, proxyName } from "./proxy-container.js";
import { demuxLogs, requestsOf } from "./proxy-log.js";

/** A running egress proxy of one policy; each sandbox reaches it on a network of its own (SandboxNetworks). */
export interface EgressProxy {
  /** The proxy container's id. */
  id: string;
  port: number;
}

export interface EgressProxies {
  /**
   * The proxy of a filtered policy: the running one when there is one, else created. Every isol8 process finds the
   * same one, because the container name derives from the policy and Docker creates a name only once; concurrent
   * callers wait for whoever created it.
   */
  ensure(policy: Pick<NetworkPolicy, "allow" | "deny">): Promise<EgressProxy>;
  /** A container's address on one of its networks. */
  addressOf(containerId: string, networkName: string): Promise<string>;
  /** The requests that `client` (a sandbox's address) made through the proxy within the window (epoch ms). */
  requests(
    proxy: EgressProxy,
    client: string,
    window: { from: number; to: number },
  ): Promise<NetworkLogEntry[]>;
}

export interface EgressProxiesOptions {
  docker: Docker;
  repository: string;
  /** The proxy image, built when missing. */
  proxyImage: () => Promise<{ tag: string; id: string }>;
}

/** How long to wait for a proxy that another caller is creating, or for Squid to listen. */
const START_TIMEOUT_MS = 60_000;
/** A proxy container still not started after this long was abandoned by a process that died while creating it. */
const ABANDONED_MS = 30_000;
const POLL_MS = 50;

export function createEgressProxies(options: EgressProxiesOptions): EgressProxies {
  const { docker, repository } = options;
  const inflight = new Map<string, Promise<EgressProxy>>();
  /** Proxies seen listening, by container id and start time: a restarted proxy is checked again. */
  const listening = new Set<string>();
  let image: Promise<{ tag: string; id: string }> | undefined;
  let bridge: Promise<string> | undefined;

  async function ensure(policy: Pick<NetworkPolicy, "allow" | "deny">): Promise<EgressProxy> {
    const config = squidConfig({
      allow: parseHostPatterns(policy.allow, "network.allow"),
      deny: parseHostPatterns(policy.deny, "network.deny"),
    });
    image ??= options.proxyImage().catch((error: unknown) => {
      image = undefined;
      throw error;
    });
    const { tag, id } = await image;
    // The rendered configuration, not the policy, and the image: a new isol8 or a rebuilt image makes a new proxy.
    // `egress` names how proxies leave: proxies of an isol8 that left through Docker's default bridge are not reused.
    // `networks`: proxies of an isol8 whose sandboxes of a policy shared one network are not reused either.
    const hash = stableHash({
      repository,
      image: id,
      config,
      egress: "isol8-bridge",
      networks: "per-sandbox",
    });
    let pending = inflight.get(hash);
    if (!pending) {
      pending = findOrStart(hash, tag, config).finally(() => inflight.delete(hash));
      inflight.set(hash, pending);
    }
    return pending;
  }

  async function findOrStart(hash: string, image: string, config: string): Promise<EgressProxy> {
    const name = proxyName(hash);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const info = await inspect(name);
      if (!info) {
        const created = await createProxy(name, image, config, hash);
        if (!created) continue;
        return startProxy(created);
      }
      const state = info.State;
      if (state.Running && !state.Restarting) {
        await untilListening(info);
        return { id: info.Id, port: PROXY_PORT };
      } else if (state.Status === "created" && Date.now() - Date.parse(info.Created) < ABANDONED_MS) {
        await sleep(POLL_MS * 2);
      } else if (state.Restarting) {
        await sleep(POLL_MS * 2);
      } else {
        await removeQuietly(info.Id);
      }
    }
    throw new Isol8Error("SANDBOX_FAILED", `The egress proxy ${name} did not become ready`, {
      hint: "Look at `docker logs` of that container, or remove it with `isol8 cleanup` and retry.",
    });
  }

  /** Creates the proxy container, or returns undefined when another caller created it first. */
  async function createProxy(
    name: string,
    image: string,
    config: string,
    hash: string,
  ): Promise<Docker.Container | undefined> {
    bridge ??= findOrCreateEgressBridge().catch((error: unknown) => {
      bridge = undefined;
      throw error;
    });
    const egressBridge = await bridge;
    try {
      return await docker.createContainer(
        proxyContainerSpec({ name, image, squidConfig: config, policyHash: hash, repository, egressBridge }),
      );
    } catch (error) {
      if (isConflict(error)) return undefined;
      throw proxyFailed(name, error);
    }
  }

  /** The creator's part: the start, and the wait for Squid. On failure nothing of the proxy remains. */
  async function startProxy(container: Docker.Container): Promise<EgressProxy> {
    try {
      await container.start();
      await untilListening(await container.inspect());
      return { id: container.id, port: PROXY_PORT };
    } catch (error) {
      await removeQuietly(container.id);
      throw error instanceof Isol8Error ? error : proxyFailed(container.id, error);
    }
  }

  /**
   * The egress bridge's id. Processes may create it at the same moment; should two exist, every process picks the
   * oldest, and `isol8 cleanup` removes the other.
   */
  async function findOrCreateEgressBridge(): Promise<string> {
    const name = egressBridgeName(repository);
    const find = async () => {
      const networks = await docker.listNetworks({
        filters: JSON.stringify({ name: [name], label: [`${LABELS.managed}=true`] }),
      });
      const exact = networks.filter((network) => network.Name === name);
      exact.sort((a, b) => Date.parse(a.Created) - Date.parse(b.Created) || a.Id.localeCompare(b.Id));
      return exact[0]?.Id;
    };
    const existing = await find();
    if (existing) return existing;
    try {
      await docker.createNetwork(egressBridgeSpec(repository));
    } catch (error) {
      if (!isConflict(error)) throw proxyFailed(name, error);
    }
    const found = await find();
    if (!found) throw proxyFailed(name, new Error("the network vanished right after its creation"));
    return found;
  }

  async function untilListening(info: Docker.ContainerInspectInfo): Promise<void> {
    const key = `${info.Id}@${info.State.StartedAt}`;
    if (listening.has(key)) return;
    const container = docker.getContainer(info.Id);
    const since = Math.floor(Date.parse(info.State.StartedAt) / 1000);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const buffer = (await container.logs({ stdout: false, stderr: true, since })) as unknown as Buffer;
      const { stderr } = demuxLogs(buffer);
      if (stderr.includes("Accepting HTTP Socket connections")) {
        listening.add(key);
        return;
      }
      const state = (await container.inspect()).State;
      if (!state.Running) {
        const tail = stderr.trim().split("\n").slice(-8).join("\n");
        throw new Isol8Error("SANDBOX_FAILED", `The egress proxy ${info.Name.replace(/^\//, "")} stopped`, {
          hint: tail || undefined,
        });
      }
      await sleep(POLL_MS);
    }
    throw new Isol8Error("SANDBOX_FAILED", `The egress proxy ${info.Name.replace(/^\//, "")} did not listen`);
  }

  async function inspect(name: string): Promise<Docker.ContainerInspectInfo | undefined> {
    try {
      return await docker.getContainer(name).inspect();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw proxyFailed(name, error);
    }
  }

  async function removeQuietly(id: string): Promise<void> {
    await docker
      .getContainer(id)
      .remove({ force: true, v: true })
      .catch(() => undefined);
  }

  async function requests(
    proxy: EgressProxy,
    client: string,
    window: { from: number; to: number },
  ): Promise<NetworkLogEntry[]> {
    const buffer = (await docker.getContainer(proxy.id).logs({
      stdout: true,
      stderr: false,
      since: Math.floor(window.from / 1000) - 1,
    })) as unknown as Buffer;
    return requestsOf(demuxLogs(buffer).stdout.split("\n"), client, window);
  }

  async function addressOf(containerId: string, networkName: string): Promise<string> {
    const info = await docker.getContainer(containerId).inspect();
    const address = info.NetworkSettings.Networks?.[networkName]?.IPAddress;
    if (!address) throw new Isol8Error("SANDBOX_FAILED", `The sandbox is not on ${networkName}`);
    return address;
  }

  return { ensure, addressOf, requests };
}

function proxyFailed(what: string, cause: unknown): Isol8Error {
  const message = String((cause as Error)?.message ?? cause);
  const exhausted = /non-overlapping IPv4 address pool|no available network/i.test(message);
  return new Isol8Error("SANDBOX_FAILED", `Cannot start the egress proxy (${what}): ${message}`, {
    hint: exhausted
      ? "Docker ran out of subnets for its own networks; remove idle ones with `isol8 cleanup`."
      : undefined,
    cause,
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
