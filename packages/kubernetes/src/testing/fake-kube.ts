import type { AgentStreams } from "@isol8/core";
import type { V1Deployment, V1NetworkPolicy, V1Pod, V1Service } from "@kubernetes/client-node";
import type { KubeClient } from "../kube-client.js";
import { type FakeProgram, fakeAgent } from "./fake-agent.js";

/** Which labels of a selector ("a=b,c") an object's labels satisfy. */
function matches(selector: string, labels: Record<string, string> | undefined): boolean {
  return selector
    .split(",")
    .filter(Boolean)
    .every((term) => {
      const [key = "", value] = term.split("=");
      return value === undefined ? labels?.[key] !== undefined : labels?.[key] === value;
    });
}

/**
 * An in-memory API server with one always-ready node: pods run the moment they are created (or wait on an image
 * the node lacks), execs talk to a fake agent that shares the pod's /sandbox.
 */
export class FakeKube implements KubeClient {
  readonly target = { server: "https://fake:6443", namespace: "test" };
  readonly pods = new Map<string, V1Pod>();
  readonly policies = new Map<string, V1NetworkPolicy>();
  readonly events: string[] = [];
  /** Images the node has; a pod of another waits on ErrImageNeverPull. */
  images = new Set(["isol8:python"]);
  program: FakeProgram = () => ({});
  private readonly sandboxes = new Map<string, Map<string, Buffer>>();

  async createPod(pod: V1Pod): Promise<void> {
    const name = pod.metadata?.name ?? "";
    this.events.push(`create pod ${name}`);
    const image = pod.spec?.containers[0]?.image ?? "";
    const state = this.images.has(image) ? { running: {} } : { waiting: { reason: "ErrImageNeverPull" } };
    this.pods.set(name, {
      ...pod,
      metadata: { ...pod.metadata, creationTimestamp: new Date() },
      status: {
        phase: this.images.has(image) ? "Running" : "Pending",
        containerStatuses: [{ name: "sandbox", image, imageID: "", ready: true, restartCount: 0, state }],
      },
    });
    this.sandboxes.set(name, new Map());
  }
  async readPod(name: string): Promise<V1Pod | undefined> {
    return this.pods.get(name);
  }
  async listPods(selector: string): Promise<V1Pod[]> {
    return [...this.pods.values()].filter((pod) => matches(selector, pod.metadata?.labels));
  }
  async deletePod(name: string): Promise<boolean> {
    this.events.push(`delete pod ${name}`);
    this.sandboxes.delete(name);
    return this.pods.delete(name);
  }
  async annotatePod(name: string, key: string, value: string): Promise<boolean> {
    const pod = this.pods.get(name);
    if (!pod?.metadata?.annotations) return false;
    this.events.push(`annotate pod ${name} ${key}`);
    pod.metadata.annotations = { ...pod.metadata.annotations, [key]: value };
    return true;
  }
  async exec(pod: string, _container: string, argv: string[]): Promise<AgentStreams> {
    const files = this.sandboxes.get(pod);
    if (!files) throw new Error(`no pod ${pod}`);
    this.events.push(`exec ${pod} ${argv.join(" ")}`);
    return fakeAgent((command) => this.program(command), files);
  }
  async ensureNetworkPolicy(policy: V1NetworkPolicy): Promise<void> {
    const name = policy.metadata?.name ?? "";
    if (!this.policies.has(name)) this.events.push(`create policy ${name}`);
    this.policies.set(name, policy);
  }
  async listNetworkPolicies(selector: string): Promise<V1NetworkPolicy[]> {
    return [...this.policies.values()].filter((policy) => matches(selector, policy.metadata?.labels));
  }
  async deleteNetworkPolicy(name: string): Promise<boolean> {
    return this.policies.delete(name);
  }
  /** A Deployment gets one pod at once, ready, with an address (the proxy, the canary). */
  async ensureDeployment(deployment: V1Deployment): Promise<void> {
    const name = `${deployment.metadata?.name ?? ""}-pod`;
    if (this.pods.has(name)) return;
    this.pods.set(name, {
      metadata: { name, labels: deployment.spec?.template.metadata?.labels, creationTimestamp: new Date() },
      status: { phase: "Running", podIP: "10.0.0.9", conditions: [{ type: "Ready", status: "True" }] },
    });
  }
  async listDeployments(): Promise<V1Deployment[]> {
    return [];
  }
  async deleteDeployment(): Promise<boolean> {
    return false;
  }
  async ensureService(_service: V1Service): Promise<void> {}
  async listServices(): Promise<V1Service[]> {
    return [];
  }
  async deleteService(): Promise<boolean> {
    return false;
  }
}
