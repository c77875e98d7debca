import {
  type ExecuteOptions,
  type ExecutionEvent,
  type ExecutionRequestInput,
  type ExecutionResult,
  Isol8Error,
  type RuntimeRegistry,
  validateRequest,
} from "@isol8/core";
import type Docker from "dockerode";
import type { ImageManager } from "../images/image-manager.js";
import type { EgressProxies } from "../network/egress-proxies.js";
import { planSandboxNetwork } from "../network/sandbox-network.js";
import type { SandboxNetworks } from "../network/sandbox-networks.js";
import { containerSpec } from "./container-spec.js";
import { runOnSandbox } from "./run-on-sandbox.js";
import type { Sandbox } from "./sandbox.js";

export interface ExecutionContext {
  docker: Docker;
  runtimes: RuntimeRegistry;
  images: ImageManager;
  seccompProfile: () => Promise<string>;
  /** Hands over container removals so they run off the critical path; `close()` awaits them. */
  track: (work: Promise<unknown>) => void;
  /** Egress proxies of filtered policies (runs and installs). */
  egress: EgressProxies;
  /** The networks of their own that filtered sandboxes reach their proxy on. */
  networks: SandboxNetworks;
  /** A started sandbox for this spec: a pre-started one from the pool when available. */
  acquire: (spec: Docker.ContainerCreateOptions, signal?: AbortSignal) => Promise<Sandbox>;
}

/** Runs one request in a fresh hardened container, honestly reporting what happened. */
export async function executeInSandbox(
  context: ExecutionContext,
  input: ExecutionRequestInput,
  options: ExecuteOptions = {},
): Promise<ExecutionResult> {
  const startedAt = performance.now();
  const { request, runtime, fileName, workdir } = validateRequest(input, context.runtimes);
  const emit = (event: ExecutionEvent) => options.onEvent?.(event);
  throwIfAborted(options.signal);

  const resolved = request.image
    ? await context.images.explicit(request.image, request.install, request.allowForeignImage)
    : await context.images.resolve(runtime, request.install);
  const imageEnv = await context.images.environment(resolved.tag);
  const imageId = await context.images.imageId(resolved.tag);

  emit({ type: "phase", phase: "sandbox", detail: resolved.tag });
  const sandboxStarted = performance.now();
  const installing = resolved.missing.length > 0;
  const network = await planSandboxNetwork(
    context.egress,
    context.networks,
    request.network,
    installing ? (runtime.registries ?? []) : undefined,
  );
  const spec = containerSpec({
    image: resolved.tag,
    runtime: runtime.name,
    limits: request.limits,
    seccompProfile: await context.seccompProfile(),
    networkMode: network.networkMode,
    dns: network.dns,
    keepAlive: request.persist,
  });
  for (let attempt = 1; ; attempt++) {
    const sandbox = await context.acquire(spec, options.signal);
    // The contract: 0 when a pre-started sandbox (pool, spare) was claimed; what waiting for it took is not a start.
    const sandboxMs = sandbox.prestarted ? 0 : performance.now() - sandboxStarted;
    try {
      return await runOnSandbox(
        context,
        sandbox,
        {
          request,
          runtime,
          fileName,
          workdir,
          image: resolved.tag,
          imageId,
          imageMatch: resolved.match,
          imageEnv,
          missing: resolved.missing,
          startedAt,
          sandboxMs,
          network,
        },
        options,
      );
    } catch (error) {
      // A pre-started sandbox (pool, spare) can die while it waits, and its stream may not have told us yet: when it
      // turns out dead before the program started, a fresh one serves the run instead.
      if (attempt > 1 || !sandbox.prestarted || sandbox.agent.commandsStarted > 0 || sandbox.agent.alive)
        throw error;
    } finally {
      if (request.persist) sandbox.detach();
      else context.track(sandbox.release());
    }
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Isol8Error("CANCELLED", "The execution was cancelled");
}
