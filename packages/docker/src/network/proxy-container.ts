import type Docker from "dockerode";
import { LABELS } from "../labels.js";

/** Names of the proxy container and its internal network for a policy hash: the same in every isol8 process. */
export function egressNames(policyHash: string): { proxy: string; network: string } {
  const short = policyHash.slice(0, 16);
  return { proxy: `isol8-proxy-${short}`, network: `isol8-net-${short}` };
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
 * The proxy container: created on isol8's egress bridge (its way out), then connected to the policy's internal network
 * before it starts. Hardened like a sandbox where Squid allows: Debian's unprivileged `proxy` user (the image's
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

/**
 * The policy's internal network: `Internal` gives it no route out, and `inhibit_ipv4` leaves the host without an
 * address on it, so the sandbox cannot reach the host's own services either — only the other containers on it (the
 * proxy). A packet for anywhere else meets a gateway that does not exist and fails with EHOSTUNREACH.
 */
export function egressNetworkSpec(
  name: string,
  policyHash: string,
  repository: string,
): Docker.NetworkCreateOptions {
  return {
    Name: name,
    Driver: "bridge",
    Internal: true,
    CheckDuplicate: true,
    EnableIPv6: false,
    Options: { "com.docker.network.bridge.inhibit_ipv4": "true" },
    Labels: {
      [LABELS.managed]: "true",
      [LABELS.kind]: "network",
      [LABELS.policy]: policyHash,
      [LABELS.repository]: repository,
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
