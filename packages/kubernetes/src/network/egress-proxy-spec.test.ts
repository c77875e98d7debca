import { describe, expect, it } from "vitest";
import { denyAllPolicy } from "./deny-egress.js";
import { egressNames, egressPolicy, proxyDeployment } from "./egress-proxy-spec.js";

const hash = "0123456789abcdef0123456789abcdef";

describe("the network policies and the egress proxy", () => {
  it("denies a none sandbox everything: no ingress or egress rule at all", () => {
    expect(denyAllPolicy().spec).toEqual({
      podSelector: { matchLabels: { "org.isol8.managed": "true", "org.isol8.network": "none" } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [],
    });
  });

  it("lets a filtered sandbox reach its proxy's pods on the proxy port, and nothing else", () => {
    const spec = egressPolicy(hash).spec;
    expect(spec?.podSelector?.matchLabels).toEqual({
      "org.isol8.managed": "true",
      "org.isol8.network": egressNames(hash).network,
    });
    expect(spec?.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(spec?.ingress).toBeUndefined();
    expect(spec?.egress).toEqual([
      {
        to: [{ podSelector: { matchLabels: { "org.isol8.proxy": "0123456789abcdef" } } }],
        ports: [{ protocol: "TCP", port: 3128 }],
      },
    ]);
  });

  it("runs Squid with the rendered configuration, hardened, as one labelled replica", () => {
    const deployment = proxyDeployment({
      hash,
      image: "isol8:proxy",
      squidConfig: "http_port 3128",
      imagePullPolicy: "Never",
    });
    const pod = deployment.spec?.template.spec;
    const container = pod?.containers[0];
    expect(deployment.metadata?.name).toBe("isol8-proxy-0123456789abcdef");
    expect(deployment.metadata?.labels).toMatchObject({
      "org.isol8.managed": "true",
      "org.isol8.kind": "proxy",
    });
    expect(container?.env).toEqual([{ name: "ISOL8_SQUID_CONF", value: "http_port 3128" }]);
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 13 });
    expect(container?.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
  });
});
