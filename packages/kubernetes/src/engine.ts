import { randomBytes } from "node:crypto";
import {
  backgroundWork,
  describeRuntimes,
  type ExecuteOptions,
  type ExecutionEvent,
  type ExecutionRequestInput,
  type ExecutionResult,
  eventStream,
  Isol8Error,
  type Limits,
  type LimitsInput,
  limitsSchema,
  type RuntimeRegistry,
  type SandboxEngine,
  validateRequest,
} from "@isol8/core";
import { findKubernetesLeftovers, type KubernetesLeftovers, removeKubernetesLeftovers } from "./cleanup.js";
import { chooseImage, type ImageNaming, runtimeImage } from "./images.js";
import { createKubeClient, type KubeClient } from "./kube-client.js";
import { contextNamespace, type KubeConfigOptions, loadKubeConfig } from "./kube-config.js";
import { managedSelector } from "./labels.js";
import { NO_NETWORK } from "./network/deny-egress.js";
import { createEgressProxies } from "./network/egress-proxies.js";
import { assertIsolated } from "./network/isolation-check.js";
import { type ImagePullPolicy, podSpec } from "./pod/pod-spec.js";
import { runInPod } from "./pod/run-in-pod.js";
import { type PodSandbox, type StartTimings, startPodSandbox } from "./pod/sandbox-pod.js";
import { PodPool } from "./pool/pod-pool.js";
import { sessionIdleMs, sessionMetadata, sessionPodName } from "./sessions/session-pods.js";
import { createSessions } from "./sessions/sessions.js";
import { assertSupported } from "./unsupported.js";

export interface KubernetesEngineOptions extends KubeConfigOptions {
  /** The runtimes this engine can run (built-ins plus third-party plugins). */
  runtimes: RuntimeRegistry;
  /** Namespace of every pod and policy. @default the kubeconfig context's namespace, else "default" */
  namespace?: string;
  /** How images are named: `<registry>/<repository>:<runtime>`. @default { repository: "isol8" } */
  image?: Partial<ImageNaming> & {
    /** "Never" for images loaded into the nodes by hand (no registry). @default "IfNotPresent" */
    pullPolicy?: ImagePullPolicy;
  };
  /** A RuntimeClass for every sandbox pod (gVisor's `gvisor`, Kata's `kata`). @default the cluster's default */
  runtimeClassName?: string;
  /** A seccomp profile on the nodes, relative to the kubelet's seccomp folder. @default RuntimeDefault */
  seccompLocalhostProfile?: string;
  /** Pods started ahead of need per kind, each used once. @default { size: 0 } (off) */
  pool?: { size: number; idleTimeoutMs?: number };
  /** The longest a session pod lives, whatever its use: the backstop when its process is gone. @default 86400000 */
  sessionMaxLifetimeMs?: number;
  /** How long a pod may take to start. @default 120000 */
  startTimeoutMs?: number;
  /**
   * Before the user's code runs in a new pod, prove from inside it that its network policy is enforced: it must not
   * reach isol8's canary pod (docs/kubernetes.md). Turn off only on a cluster that cannot enforce NetworkPolicy,
   * accepting that `none` then isolates nothing. @default true
   */
  verifyNetworkPolicy?: boolean;
  /** The API client; tests pass a fake. @default one built from the kubeconfig */
  client?: KubeClient;
}

export interface KubernetesEngine extends SandboxEngine {
  /** The namespace it works in. */
  readonly namespace: string;
  /** Fills the pool for executions like this one (no-op without a pool); resolves once they are ready. */
  prewarm(request: { runtime: string; limits?: LimitsInput }): Promise<void>;
  /** isol8's pods, policies and proxy objects in the namespace. */
  findLeftovers(): Promise<KubernetesLeftovers>;
  /** Deletes what findLeftovers found. */
  cleanup(leftovers: KubernetesLeftovers): Promise<Record<keyof KubernetesLeftovers, number>>;
}

/** Time a pod may need beyond the run itself (start, file transfer, downloads) before the kubelet ends it. */
const DEADLINE_MARGIN_S = 120;

/** The Kubernetes implementation of isol8's sandbox engine: one hardened pod per sandbox. */
export function createKubernetesEngine(options: KubernetesEngineOptions): KubernetesEngine {
  const client = options.client ?? clientFromConfig(options);
  const naming: ImageNaming = {
    repository: options.image?.repository ?? "isol8",
    registry: options.image?.registry,
  };
  const timings: StartTimings = { startTimeoutMs: options.startTimeoutMs ?? 120_000 };
  const removals = backgroundWork();
  const poolIdleMs = options.pool?.idleTimeoutMs ?? 300_000;

  const pullPolicy = options.image?.pullPolicy ?? "IfNotPresent";
  // Network policies (and a filtered policy's proxy) exist before the first sandbox under them does.
  const egress = createEgressProxies(client, runtimeImage(naming, "proxy"), pullPolicy);
  const beforePod = () => egress.prepare({ mode: "none", allow: [], deny: [] }).then(() => undefined);
  // Pods whose isolation was proven; a pod's policy, once enforced, stays so.
  const isolated = new WeakSet<PodSandbox>();
  const verifyIsolation = async (sandbox: PodSandbox) => {
    if (options.verifyNetworkPolicy === false || isolated.has(sandbox)) return;
    await assertIsolated(sandbox.agent, await egress.canary());
    isolated.add(sandbox);
  };

  const spec = (input: {
    image: string;
    runtime: string;
    limits: Limits;
    deadlineSeconds: number;
    kind: "sandbox" | "session";
    name?: string;
    network?: string;
  }) => {
    const pod = podSpec({
      name: input.name ?? `isol8-${input.kind}-${randomBytes(5).toString("hex")}`,
      image: input.image,
      runtime: input.runtime,
      limits: input.limits,
      imagePullPolicy: pullPolicy,
      network: input.network ?? NO_NETWORK,
      activeDeadlineSeconds: input.deadlineSeconds,
      runtimeClassName: options.runtimeClassName,
      seccompLocalhostProfile: options.seccompLocalhostProfile,
      kind: input.kind,
    });
    return pod;
  };
  const start = (pod: ReturnType<typeof spec>, signal?: AbortSignal) =>
    startPodSandbox(client, pod, { ...timings, signal });
  // A pooled pod proves its isolation while it waits in the pool, so that a claim costs nothing more.
  const startIsolated = async (pod: ReturnType<typeof spec>) => {
    const sandbox = await start(pod);
    try {
      await verifyIsolation(sandbox);
    } catch (error) {
      await sandbox.release();
      throw error;
    }
    return sandbox;
  };
  const pool = new PodPool(
    (pod) => startIsolated(pod),
    { size: options.pool?.size ?? 0, idleTimeoutMs: poolIdleMs },
    removals.track,
  );
  /** Pooled pods wait before they run: their deadline covers the wait and a long run. Per-run limits (timeout,
   * output) are not in a pod's spec, so they do not split the pool. */
  const pooledSpec = (image: string, runtime: string, limits: Limits, network = NO_NETWORK) =>
    spec({
      image,
      runtime,
      limits,
      network,
      deadlineSeconds: Math.ceil(poolIdleMs / 1000) + 3600,
      kind: "sandbox",
    });

  const sessions = createSessions({
    client,
    runtimes: options.runtimes,
    imageOf: (runtime) => runtimeImage(naming, runtime),
    beforePod,
    verifyIsolation,
    sessionPod: ({ name, runtime, options: sessionOptions }) => {
      const pod = spec({
        image: runtimeImage(naming, runtime),
        runtime,
        limits: limitsSchema.parse(sessionOptions.limits ?? {}),
        deadlineSeconds: Math.ceil((options.sessionMaxLifetimeMs ?? 86_400_000) / 1000),
        kind: "session",
        name: sessionPodName(name),
      });
      const metadata = sessionMetadata(name, Date.now() + sessionIdleMs(sessionOptions));
      pod.metadata = {
        ...pod.metadata,
        labels: { ...pod.metadata?.labels, ...metadata.labels },
        annotations: metadata.annotations,
      };
      return pod;
    },
  });

  async function execute(
    input: ExecutionRequestInput,
    executeOptions: ExecuteOptions = {},
  ): Promise<ExecutionResult> {
    const startedAt = performance.now();
    const { request, runtime, fileName, workdir } = validateRequest(input, options.runtimes);
    assertSupported(request, true);
    if (executeOptions.signal?.aborted) throw new Isol8Error("CANCELLED", "The execution was cancelled");
    const { image, match } = chooseImage(naming, runtime, request);
    executeOptions.onEvent?.({ type: "phase", phase: "sandbox", detail: image });
    const sandboxStarted = performance.now();
    const network = await egress.prepare(request.network);
    const pooled = pooledSpec(image, runtime.name, request.limits, network.label);
    let sandbox: PodSandbox | undefined = pool.claim(PodPool.keyOf(pooled), () =>
      pooledSpec(image, runtime.name, request.limits, network.label),
    );
    sandbox ??= await start(
      spec({
        image,
        runtime: runtime.name,
        limits: request.limits,
        deadlineSeconds:
          // Nothing is installed at run time here: the program's timeout (setup included) is all the run takes.
          Math.ceil(request.limits.timeoutMs / 1000) + DEADLINE_MARGIN_S,
        kind: "sandbox",
        network: network.label,
      }),
      executeOptions.signal,
    );
    const sandboxMs = sandbox.prestarted ? 0 : performance.now() - sandboxStarted;
    try {
      await verifyIsolation(sandbox);
      return await runInPod(
        sandbox,
        {
          request,
          runtime,
          fileName,
          workdir,
          image,
          imageMatch: match,
          networkEnv: network.env,
          startedAt,
          sandboxMs,
        },
        executeOptions,
      );
    } finally {
      removals.track(sandbox.release());
    }
  }

  return {
    namespace: client.target.namespace,
    execute,
    executeStream: (request, streamOptions): AsyncIterable<ExecutionEvent> =>
      eventStream((onEvent) => execute(request, { ...streamOptions, onEvent })),
    session: (name, sessionOptions) => sessions.open(name, sessionOptions),
    listSessions: () => sessions.list(),
    stopSession: (name) => sessions.stop(name),
    listRuntimes: async () => describeRuntimes(options.runtimes),
    // Listing isol8's pods needs the API, the credentials and the namespace's permissions: what every run needs.
    ping: async () => {
      await client.listPods(managedSelector());
    },
    async prewarm(request) {
      const runtime = options.runtimes.get(request.runtime);
      const image = runtimeImage(naming, runtime.name);
      const limits = limitsSchema.parse(request.limits ?? {});
      const pooled = pooledSpec(image, runtime.name, limits);
      await pool.prewarm(PodPool.keyOf(pooled), () => pooledSpec(image, runtime.name, limits));
    },
    findLeftovers: () => findKubernetesLeftovers(client),
    cleanup: (leftovers) => removeKubernetesLeftovers(client, leftovers),
    async close() {
      sessions.close();
      await pool.close();
      await removals.drain();
    },
  };
}

function clientFromConfig(options: KubernetesEngineOptions): KubeClient {
  const config = loadKubeConfig(options);
  return createKubeClient(config, options.namespace ?? contextNamespace(config));
}
