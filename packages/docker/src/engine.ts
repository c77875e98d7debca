import {
  backgroundWork,
  describeRuntimes,
  type ExecuteOptions,
  type ExecutionEvent,
  type ExecutionRequestInput,
  type ExecutionResult,
  eventStream,
  type LimitsInput,
  limitsSchema,
  type RuntimeRegistry,
  type SandboxEngine,
  type Session,
  type SessionInfo,
  type SessionOptions,
} from "@isol8/core";
import type Docker from "dockerode";
import { locateDockerAssets } from "./assets.js";
import { type CleanupReport, cleanupResources, findLeftovers, type Leftovers } from "./cleanup.js";
import {
  assertEngineAvailable,
  createDockerClient,
  type DockerConnectionOptions,
  explainConnectionFailure,
  launchContainer,
} from "./client.js";
import type { BuildProgress } from "./images/build-image.js";
import type { ImageReport } from "./images/ensure-image.js";
import { createImageManager, type SetupOptions } from "./images/image-manager.js";
import { type PushReport, pushImages } from "./images/push-image.js";
import type { AddressPool } from "./network/address-pool.js";
import { createEgressProxies } from "./network/egress-proxies.js";
import { SandboxNetworks } from "./network/sandbox-networks.js";
import { NetworkHolders } from "./pool/network-holders.js";
import { SandboxPool } from "./pool/sandbox-pool.js";
import { containerSpec } from "./sandbox/container-spec.js";
import { executeInSandbox } from "./sandbox/execute.js";
import type { Sandbox } from "./sandbox/sandbox.js";
import { startSandbox } from "./sandbox/sandbox.js";
import { loadSeccompProfile } from "./sandbox/seccomp.js";
import { SpareSandboxes } from "./sandbox/spare-sandboxes.js";
import { createSessions } from "./sessions/sessions.js";

export interface DockerEngineOptions {
  /** The runtimes this engine can run (built-ins plus third-party plugins). */
  runtimes: RuntimeRegistry;
  /** How to reach Docker. @default what the docker CLI would use */
  connection?: DockerConnectionOptions;
  /** Repository part of every image tag: `<repository>:python`. @default "isol8" */
  repository?: string;
  /** OS image that isol8:base builds on; bootstrapped from a Debian mirror when it cannot be pulled. @default "debian:bookworm-slim" */
  osImage?: string;
  /** PEM files that image builds and package managers must trust (TLS-intercepting proxies). @default [] */
  extraCaCertificates?: string[];
  /** Folder with the base Dockerfile and agent, for testing changes to them. @default the packaged assets */
  assetsDir?: string;
  /** Build output, line by line (image builds can take minutes). */
  onBuildProgress?: (progress: BuildProgress) => void;
  /**
   * Pre-started sandboxes per kind (image, limits, network), so executions skip the container start. Each sandbox
   * still serves exactly one execution. @default { size: 0 } (off)
   */
  pool?: { size: number; idleTimeoutMs?: number };
  /**
   * Spare sandboxes shared between processes: each run without a network leaves one started, never-used sandbox
   * for the next run of the same kind, which claims it instead of starting a container (the CLI's warm path).
   * Unclaimed spares end themselves after `idleTimeoutMs`. @default off
   */
  spares?: { idleTimeoutMs: number };
  /**
   * Where the networks of filtered sandboxes take their subnets from: each filtered sandbox (and each install)
   * gets a network of its own. @default { base: "10.213.0.0/16", size: 28 }
   */
  addressPool?: AddressPool;
}

export interface CloseOptions {
  /**
   * Wait until released sandboxes are gone. They remove themselves either way; a process about to exit (the CLI)
   * need not wait for that. @default true
   */
  waitForRemovals?: boolean;
}

/** What to pre-start sandboxes for: the runtime and the limits its executions will ask for. */
export interface PrewarmRequest {
  runtime: string;
  limits?: LimitsInput;
}

export interface DockerEngine extends SandboxEngine {
  /** Builds (or confirms up to date) the base, runtime and custom images. */
  setup(options?: SetupOptions): Promise<ImageReport[]>;
  /**
   * Builds a custom image with packages under an explicit tag. `setup` scripts run after the packages, as root at
   * build time (`sh -c`); the image's deps hash covers them.
   */
  build(options: {
    runtime: string;
    packages: string[];
    tag: string;
    force?: boolean;
    setup?: string[];
  }): Promise<ImageReport>;
  /**
   * Pushes images (`setup`'s reports' tags) to a registry as `<registry>/<tag>`, with the docker CLI's stored
   * credentials for it, if any. Fails with IMAGE_PUSH_FAILED; the registry tags it adds are removed either way.
   */
  push(options: { registry: string; tags: readonly string[] }): Promise<PushReport[]>;
  /** Lists isol8's leftover containers (and images, when asked). */
  findLeftovers(options?: { images?: boolean }): Promise<Leftovers>;
  /** Removes what findLeftovers found. */
  cleanup(leftovers: Leftovers): Promise<CleanupReport>;
  /** The running session of that name, or a new one: one container kept across executions. */
  session(name: string, options: SessionOptions): Promise<Session>;
  /** Sessions that exist (running or idled out but not yet removed). */
  listSessions(): Promise<SessionInfo[]>;
  /** Fills the pool for executions like this one (no-op without a pool); resolves once they are ready. */
  prewarm(request: PrewarmRequest): Promise<void>;
  /** Removes pooled sandboxes and finishes background work; see CloseOptions. */
  close(options?: CloseOptions): Promise<void>;
}

/** The Docker implementation of isol8's sandbox engine. */
export function createDockerEngine(options: DockerEngineOptions): DockerEngine {
  const docker = createDockerClient(options.connection);
  const repository = options.repository ?? "isol8";
  const images = createImageManager({
    docker,
    runtimes: options.runtimes,
    repository,
    assetsDir: locateDockerAssets(options.assetsDir),
    osImage: options.osImage ?? "debian:bookworm-slim",
    extraCaCertificates: options.extraCaCertificates ?? [],
    ...(options.onBuildProgress ? { onProgress: options.onBuildProgress } : {}),
  });
  const removals = backgroundWork();
  const track = removals.track;
  // A pool's sandboxes borrow their network namespace (see NetworkHolders): only where sandboxes come often.
  const holders = (options.pool?.size ?? 0) > 0 ? new NetworkHolders(docker, loadSeccompProfile) : undefined;
  const networks = new SandboxNetworks(docker, {
    repository,
    ...(options.addressPool ? { addressPool: options.addressPool } : {}),
  });
  const pool = new SandboxPool(
    (spec, signal) =>
      SandboxNetworks.serves(spec)
        ? networks.start(spec, (onNetwork) => startSandbox(docker, onNetwork, signal))
        : holders && NetworkHolders.serves(spec)
          ? holders.start(spec, (onHolder) => startSandbox(docker, onHolder, signal))
          : startSandbox(docker, spec, signal),
    { size: options.pool?.size ?? 0, idleTimeoutMs: options.pool?.idleTimeoutMs ?? 300_000 },
    track,
  );
  // Leaving a spare must finish even in a process about to exit (only the start's reply is not waited for).
  const launches = backgroundWork();
  const spares = options.spares
    ? new SpareSandboxes(docker, {
        idleTimeoutMs: options.spares.idleTimeoutMs,
        imageId: (tag) => images.imageId(tag),
        launch: (id) => launchContainer(docker, id),
      })
    : undefined;
  async function acquire(spec: Docker.ContainerCreateOptions, signal?: AbortSignal): Promise<Sandbox> {
    if (!spares || !SpareSandboxes.serves(spec)) return pool.acquire(spec, signal);
    const sandbox = (await spares.claim(spec)) ?? (await pool.acquire(spec, signal));
    // The next spare is created while this run runs (a light request) and started once it is over, so that its
    // start (the heavy part) does not compete with the run.
    const next = spares.create(spec).catch(() => undefined);
    const leave = async () => {
      const id = await next;
      if (id) await spares.launch(id);
    };
    return {
      ...sandbox,
      release: () => {
        launches.track(leave());
        return sandbox.release();
      },
    };
  }
  const context = {
    docker,
    runtimes: options.runtimes,
    images,
    seccompProfile: loadSeccompProfile,
    track,
    egress: createEgressProxies({ docker, repository, proxyImage: () => images.proxyImage() }),
    networks,
    acquire,
  };
  const sessions = createSessions(context);
  let checked: Promise<void> | undefined;
  const ready = () => {
    checked ??= assertEngineAvailable(docker).catch((error: unknown) => {
      checked = undefined;
      throw error;
    });
    return checked;
  };

  /** Runs skip the ping: a failed connection on the way says "no engine" just the same. */
  async function execute(
    request: ExecutionRequestInput,
    executeOptions?: ExecuteOptions,
  ): Promise<ExecutionResult> {
    try {
      return await executeInSandbox(context, request, executeOptions);
    } catch (error) {
      throw explainConnectionFailure(error);
    }
  }

  return {
    execute,
    executeStream: (request, streamOptions): AsyncIterable<ExecutionEvent> =>
      eventStream((onEvent) => execute(request, { ...streamOptions, onEvent })),
    async setup(setupOptions) {
      await ready();
      return images.setup(setupOptions);
    },
    async build({ runtime, packages, tag, force, setup }) {
      await ready();
      return images.buildTagged(options.runtimes.get(runtime), packages, tag, { force, setup });
    },
    async push({ registry, tags }) {
      await ready();
      return pushImages(docker, registry, tags);
    },
    async findLeftovers(leftoverOptions) {
      await ready();
      return findLeftovers(docker, leftoverOptions);
    },
    cleanup: (leftovers) => cleanupResources(docker, leftovers),
    ping: ready,
    listRuntimes: async () => describeRuntimes(options.runtimes),
    async session(name, sessionOptions) {
      await ready();
      return sessions.open(name, sessionOptions);
    },
    async listSessions() {
      await ready();
      return sessions.list();
    },
    async stopSession(name) {
      await ready();
      return sessions.stop(name);
    },
    async prewarm(request) {
      await ready();
      const runtime = options.runtimes.get(request.runtime);
      const spec = containerSpec({
        image: await images.runtimeImage(runtime),
        runtime: runtime.name,
        limits: limitsSchema.parse(request.limits ?? {}),
        seccompProfile: await loadSeccompProfile(),
        networkMode: "none",
      });
      await pool.prewarm(spec);
    },
    async close(closeOptions) {
      await pool.close();
      await launches.drain();
      if (closeOptions?.waitForRemovals !== false) await removals.drain();
      const waitForLent = closeOptions?.waitForRemovals !== false;
      await Promise.all([holders?.close(), networks.close({ waitForLent })]);
    },
  };
}
