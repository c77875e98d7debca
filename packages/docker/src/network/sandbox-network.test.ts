import type { NetworkPolicy } from "@isol8/core";
import { proxyEnvironment } from "@isol8/core";
import { describe, expect, it } from "vitest";
import { containerSpec } from "../sandbox/container-spec.js";
import type { EgressProxies, EgressProxy } from "./egress-proxies.js";
import { egressBridgeSpec, egressNames, egressNetworkSpec, proxyContainerSpec } from "./proxy-container.js";
import { DEAD_END_DNS, planSandboxNetwork } from "./sandbox-network.js";

/** A fake: one proxy per policy, numbered in the order asked for. */
function fakeEgress(): EgressProxies & { asked: Pick<NetworkPolicy, "allow" | "deny">[] } {
  const asked: Pick<NetworkPolicy, "allow" | "deny">[] = [];
  return {
    asked,
    async ensure(policy) {
      asked.push(policy);
      const n = asked.length;
      return {
        id: `proxy${n}`,
        network: `net${n}`,
        networkName: `isol8-net-${n}`,
        address: `172.30.0.${n}`,
        port: 3128,
      };
    },
    addressOf: async () => "172.30.0.9",
    requests: async () => [],
  };
}

const policy = (mode: NetworkPolicy["mode"], allow: string[] = [], deny: string[] = []): NetworkPolicy => ({
  mode,
  allow,
  deny,
});

describe("planSandboxNetwork", () => {
  it("gives a plain run no network and no proxy", async () => {
    const egress = fakeEgress();
    const plan = await planSandboxNetwork(egress, policy("none"), undefined);
    expect(plan).toMatchObject({
      networkMode: "none",
      dns: undefined,
      install: { env: [] },
      run: { env: [] },
    });
    expect(egress.asked).toEqual([]);
  });

  it("installs on a network that allows only the registries, then runs without one", async () => {
    const egress = fakeEgress();
    const plan = await planSandboxNetwork(egress, policy("none"), ["pypi.org", "files.pythonhosted.org"]);
    expect(egress.asked).toEqual([{ allow: ["pypi.org", "files.pythonhosted.org"], deny: [] }]);
    expect(plan.networkMode).toBe("net1");
    expect(plan.dns).toEqual(DEAD_END_DNS);
    expect(plan.install.env).toContain("HTTPS_PROXY=http://172.30.0.1:3128");
    expect(plan.run).toEqual({ proxy: undefined, env: [] });
  });

  it("runs a filtered policy on its own network, after installing on the registries'", async () => {
    const egress = fakeEgress();
    const plan = await planSandboxNetwork(egress, policy("filtered", ["example.com"], ["x.example.com"]), [
      "registry.npmjs.org",
    ]);
    expect(egress.asked).toEqual([
      { allow: ["registry.npmjs.org"], deny: [] },
      { mode: "filtered", allow: ["example.com"], deny: ["x.example.com"] },
    ]);
    expect(plan.networkMode).toBe("net1");
    expect(plan.run.proxy?.network).toBe("net2");
    expect(plan.run.env).toContain("https_proxy=http://172.30.0.2:3128");
  });

  it("creates a filtered run without installs on its own network", async () => {
    const plan = await planSandboxNetwork(fakeEgress(), policy("filtered", ["pypi.org"]), undefined);
    expect(plan.networkMode).toBe("net1");
    expect(plan.install.proxy).toBeUndefined();
  });

  it("puts installs of a host-network run on the host network too, unfiltered", async () => {
    const egress = fakeEgress();
    const plan = await planSandboxNetwork(egress, policy("host"), ["pypi.org"]);
    expect(plan).toMatchObject({
      networkMode: "host",
      dns: undefined,
      install: { env: [] },
      run: { env: [] },
    });
    expect(egress.asked).toEqual([]);
  });

  it("gives the sandbox a DNS server that answers nothing", () => {
    const spec = containerSpec({
      image: "isol8:python",
      runtime: "python",
      limits: {
        timeoutMs: 1000,
        memoryBytes: 64 * 1024 * 1024,
        cpus: 1,
        pids: 64,
        sandboxBytes: 1024 * 1024,
        tmpBytes: 1024 * 1024,
        maxOutputBytes: 1024,
        installTimeoutMs: 1000,
      },
      seccompProfile: "{}",
      networkMode: "net1",
      dns: DEAD_END_DNS,
    });
    expect(spec.HostConfig).toMatchObject({
      NetworkMode: "net1",
      Dns: ["127.0.0.1"],
      DnsOptions: ["timeout:1", "attempts:1"],
    });
  });
});

describe("proxyEnvironment", () => {
  it("points every client at the proxy by address, keeping loopback direct", () => {
    const proxy: EgressProxy = {
      id: "p",
      network: "n",
      networkName: "nn",
      address: "172.30.0.2",
      port: 3128,
    };
    expect(proxyEnvironment(proxy)).toEqual([
      "HTTP_PROXY=http://172.30.0.2:3128",
      "HTTPS_PROXY=http://172.30.0.2:3128",
      "http_proxy=http://172.30.0.2:3128",
      "https_proxy=http://172.30.0.2:3128",
      "NO_PROXY=localhost,127.0.0.1,::1",
      "no_proxy=localhost,127.0.0.1,::1",
      "NODE_USE_ENV_PROXY=1",
    ]);
  });
});

describe("the proxy container and its network", () => {
  it("runs the proxy unprivileged, read-only and labelled, first on isol8's egress bridge", () => {
    const names = egressNames("0123456789abcdef0123");
    expect(names).toEqual({ proxy: "isol8-proxy-0123456789abcdef", network: "isol8-net-0123456789abcdef" });
    const spec = proxyContainerSpec({
      name: names.proxy,
      image: "sha256:abc",
      squidConfig: "http_port 3128\n",
      policyHash: "0123",
      repository: "isol8",
      egressBridge: "bridge-id",
    });
    expect(spec.Labels).toMatchObject({ "org.isol8.managed": "true", "org.isol8.kind": "proxy" });
    expect(spec.Env).toEqual(["ISOL8_SQUID_CONF=http_port 3128\n"]);
    expect(spec.HostConfig).toMatchObject({
      NetworkMode: "bridge-id",
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges:true"],
    });
    expect(spec.HostConfig?.CapAdd).toBeUndefined();
    expect(spec.HostConfig?.Privileged).toBeUndefined();
  });

  it("leaves through a bridge of its own with a fixed address, on which proxies cannot reach each other", () => {
    expect(egressBridgeSpec("isol8")).toMatchObject({
      Name: "isol8-egress",
      Driver: "bridge",
      CheckDuplicate: true,
      Options: { "com.docker.network.bridge.enable_icc": "false" },
      Labels: { "org.isol8.managed": "true", "org.isol8.kind": "network" },
    });
    expect(egressBridgeSpec("isol8").Internal).toBeUndefined();
  });

  it("makes the network internal and leaves the host without an address on it", () => {
    const spec = egressNetworkSpec("isol8-net-x", "hash", "isol8");
    expect(spec).toMatchObject({
      Internal: true,
      Options: { "com.docker.network.bridge.inhibit_ipv4": "true" },
      Labels: {
        "org.isol8.managed": "true",
        "org.isol8.kind": "network",
        "org.isol8.network.policy": "hash",
      },
    });
  });
});
