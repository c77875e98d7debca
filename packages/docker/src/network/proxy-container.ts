import type Docker from "dockerode";
import { LABELS } from "../labels.js";

/** Name of the proxy container for a policy hash: the same in every isol8 process. */
export function proxyName(policyHash: string): string {
  return `isol8-proxy-${policyHash.slice(0, 16)}`;
}

export interface ProxyContainerInput {
  name: string;
  /** The proxy image's tag. */
  image: string;
  squidConfig: string;
  policyHash: string;
  repository: string;
  /** Id of the bridge that is the proxy's way out (`egressBridgeSpec`). */
  egressBridge: string;
}

/**
 * The proxy container: created on isol8's egress bridge (its way out); each sandbox network connects it as it is
 * created (see SandboxNetworks). Hardened like a sandbox where Squid allows: Debian's unprivileged `proxy` user (the image's
 * USER), no capabilities (it listens above 1024), no-new-privileges, read-only root with a small tmpfs for its
 * configuration, bounded memory, processes and log size. Docker's default seccomp profile applies.
 */
export function proxyContainerSpec(input: ProxyContainerInput): Docker.ContainerCreateOptions {
  return {
    name: input.name,
    Image: input.image,
    Env: [`ISOL8_SQUID_CONF=${input.squidConfig}`],
    Labels: {
      [LABELS.managed]: "true",
      [LABELS.kind]: "proxy",
      [LABELS.policy]: input.policyHash,
      [LABELS.repository]: input.repository,
    },
    StopTimeout: 1,
    HostConfig: {
      NetworkMode: input.egressBridge,
      ReadonlyRootfs: true,
      Tmpfs: { "/tmp": "rw,noexec,nosuid,nodev,size=16m,mode=1777" },
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges:true"],
      Memory: 256 * 1024 * 1024,
      MemorySwap: 256 * 1024 * 1024,
      PidsLimit: 64,
      IpcMode: "private",
      Ulimits: [{ Name: "nofile", Soft: 8192, Hard: 8192 }],
      // Back after a crash or a reboot of the engine; new runs look its address up again.
      RestartPolicy: { Name: "unless-stopped" },
      // The access log is read back for --log-network: keep it bounded whatever the engine's default driver is.
      LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "2" } },
    },
  };
}

export interface SandboxNetworkInput {
  name: string;
  subnet: string;
  gateway: string;
  repository: string;
  /** `<host>:<pid>` of the process whose network it is: what tells an orphan from a network in use. */
  owner: string;
}

/**
 * A sandbox's own network: `Internal` gives it no route out, and `inhibit_ipv4` leaves the host without an address
 * on it, so the sandbox cannot reach the host's own services either — only the other container on it (the proxy).
 * A packet for anywhere else meets a gateway that does not exist and fails with EHOSTUNREACH. The subnet comes from
 * isol8's address pool (see address-pool.ts), not Docker's.
 */
export function sandboxNetworkSpec(input: SandboxNetworkInput): Docker.NetworkCreateOptions {
  return {
    Name: input.name,
    Driver: "bridge",
    Internal: true,
    CheckDuplicate: true,
    EnableIPv6: false,
    Options: { "com.docker.network.bridge.inhibit_ipv4": "true" },
    IPAM: { Driver: "default", Config: [{ Subnet: input.subnet, Gateway: input.gateway }] },
    Labels: {
      [LABELS.managed]: "true",
      [LABELS.kind]: "network",
      [LABELS.owner]: input.owner,
      [LABELS.repository]: input.repository,
    },
  };
}

/** Name of the bridge network every egress proxy leaves through. */
export function egressBridgeName(repository: string): string {
  return `${repository}-egress`;
}

/**
 * The proxies' way out: a bridge of isol8's own rather than Docker's default one. The default bridge (`docker0`) may
 * be created without a fixed MAC address, so it takes the lowest of its ports' and changes whenever a container
 * joins or leaves it; a proxy that still has the old gateway address loses its next connection's first packet, and
 * the host then tracks that connection without NAT, so the connect hangs until it times out. Bridges Docker creates
 * for a network keep one address. No container but the proxies is ever on it, and they cannot reach each other
 * (no inter-container traffic).
 */
export function egressBridgeSpec(repository: string): Docker.NetworkCreateOptions {
  return {
    Name: egressBridgeName(repository),
    Driver: "bridge",
    CheckDuplicate: true,
    EnableIPv6: false,
    Options: { "com.docker.network.bridge.enable_icc": "false" },
    Labels: {
      [LABELS.managed]: "true",
      [LABELS.kind]: "network",
      [LABELS.repository]: repository,
    },
  };
}
