import type { NetworkPolicy } from "@isol8/core";
import { proxyEnvironment } from "@isol8/core";
import { describe, expect, it } from "vitest";
import { containerSpec } from "../sandbox/container-spec.js";
import type { EgressProxies } from "./egress-proxies.js";
import { egressBridgeSpec, proxyContainerSpec, proxyName, sandboxNetworkSpec } from "./proxy-container.js";
import { DEAD_END_DNS, planSandboxNetwork } from "./sandbox-network.js";
import { SandboxNetworks } from "./sandbox-networks.js";

/** A fake: one proxy per policy, numbered in the order asked for. */
function fakeEgress(): EgressProxies & { asked: Pick<NetworkPolicy, "allow" | "deny">[] } {
  const asked: Pick<NetworkPolicy, "allow" | "deny">[] = [];
  return {
    asked,
    async ensure(policy) {
      asked.push(policy);
      const n = asked.length;
      return { id: `proxy${n}`, port: 3128 };
    },
    addressOf: async () => "172.30.0.9",
    requests: async () => [],
  };
}

/** Planning only names the proxy in the mode; no Docker call happens until a sandbox starts. */
const networks = new SandboxNetworks({} as never, { repository: "isol8" });

const policy = (mode: NetworkPolicy["mode"], allow: string[] = [], deny: string[] = []): NetworkPolicy => ({
  mode,
  allow,
  deny,
});

describe("planSandboxNetwork", () => {
  it("gives a plain run no network and no proxy", async () => {
    const egress = fakeEgress();
    const plan = await planSandboxNetwork(egress, networks, policy("none"), undefined);
    expect(plan).toEqual({
      networkMode: "none",
      dns: undefined,
      install: { proxy: undefined },
      run: { proxy: undefined },
    });
    expect(egress.asked).toEqual([]);
  });

  it("installs on a network that allows only the registries, then runs without one", async () => {
    const egress = fakeEgress();
    const plan = await planSandboxNetwork(egress, networks, policy("none"), [
      "pypi.org",
      "files.pythonhosted.org",
    ]);
    expect(egress.asked).toEqual([{ allow: ["pypi.org", "files.pythonhosted.org"], deny: [] }]);
    expect(plan.networkMode).toBe("isol8-lease:proxy1");
    expect(SandboxNetworks.serves({ HostConfig: { NetworkMode: plan.networkMode } })).toBe(true);
    expect(plan.dns).toEqual(DEAD_END_DNS);
    expect(plan.install.proxy?.id).toBe("proxy1");
    expect(plan.run).toEqual({ proxy: undefined });
  });

  it("runs a filtered policy on its own network, after installing on the registries'", async () => {
    const egress = fakeEgress();
    const plan = await planSandboxNetwork(
      egress,
      networks,
      policy("filtered", ["example.com"], ["x.example.com"]),
      ["registry.npmjs.org"],
    );
    expect(egress.asked).toEqual([
      { allow: ["registry.npmjs.org"], deny: [] },
      { mode: "filtered", allow: ["example.com"], deny: ["x.example.com"] },
    ]);
    expect(plan.networkMode).toBe("isol8-lease:proxy1");
    expect(plan.run.proxy?.id).toBe("proxy2");
  });

  it("creates a filtered run without installs on its own network", async () => {
    const plan = await planSandboxNetwork(
      fakeEgress(),
      networks,
      policy("filtered", ["pypi.org"]),
      undefined,
    );
    expect(plan.networkMode).toBe("isol8-lease:proxy1");
    expect(plan.install.proxy).toBeUndefined();
  });

  it("puts installs of a host-network run on the host network too, unfiltered", async () => {
    const egress = fakeEgress();
    const plan = await planSandboxNetwork(egress, networks, policy("host"), ["pypi.org"]);
    expect(plan).toEqual({
      networkMode: "host",
      dns: undefined,
      install: { proxy: undefined },
      run: { proxy: undefined },
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
    expect(proxyEnvironment("172.30.0.2", 3128)).toEqual([
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
    const name = proxyName("0123456789abcdef0123");
    expect(name).toBe("isol8-proxy-0123456789abcdef");
    const spec = proxyContainerSpec({
      name,
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

  it("makes a sandbox's network internal, on isol8's subnet, without a host address, labelled with its owner", () => {
    const spec = sandboxNetworkSpec({
      name: "isol8-sbx-x",
      subnet: "10.213.0.16/28",
      gateway: "10.213.0.17",
      repository: "isol8",
      owner: "host:42",
    });
    expect(spec).toMatchObject({
      Internal: true,
      Options: { "com.docker.network.bridge.inhibit_ipv4": "true" },
      IPAM: { Config: [{ Subnet: "10.213.0.16/28", Gateway: "10.213.0.17" }] },
      Labels: {
        "org.isol8.managed": "true",
        "org.isol8.kind": "network",
        "org.isol8.network.owner": "host:42",
      },
    });
  });
});
