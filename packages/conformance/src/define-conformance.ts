import type { SandboxEngine } from "@isol8/core";
import { afterAll, beforeAll, describe } from "vitest";
import { badInputCases } from "./cases/bad-input.js";
import { executionCases } from "./cases/execution.js";
import { hardeningCases } from "./cases/hardening.js";
import { limitCases } from "./cases/limits.js";
import { liveInputCases } from "./cases/live-input.js";
import { sessionCases } from "./cases/sessions.js";
import type { SuiteContext } from "./suite-context.js";

/** What an engine may be unable to do. Each gap leaves its cases out; the engine's docs must say why. */
export interface ConformanceCapabilities {
  /** /tmp is mounted noexec (Kubernetes emptyDirs cannot be). @default true */
  noexecTmp: boolean;
  /** A program over its memory limit is reported as `oomKilled`. @default true */
  oomKilled: boolean;
  /** Run-time package installs (`request.install`) reach the package registries. @default true */
  installs: boolean;
  /** Live stdin and signals while the program runs (`options.input`). @default true */
  liveInput: boolean;
  /**
   * The "none" network has no interface but loopback. A Kubernetes pod always has one: there a policy cuts it off,
   * and the case instead proves that a connection to the node (the default gateway) times out or finds no route:
   * it neither connects nor is refused, either of which means the packets got there. With `listeningProbe`, it
   * connects to that server instead, where a refusal is the policy's.
   * @default true
   */
  loopbackOnly: boolean;
  /**
   * The "none" network cuts the sandbox off. False only where the backend cannot enforce it and says so (a cluster
   * whose network plugin ignores NetworkPolicy): a gap declared by whoever runs the suite, never assumed.
   * @default true
   */
  networkIsolation: boolean;
}

export interface ConformanceOptions {
  /** Shown in the suite's name ("docker", "remote", "kubernetes"). */
  name: string;
  /** Builds the engine under test, once for the whole suite; it is closed after the last case. */
  createEngine: () => SandboxEngine | Promise<SandboxEngine>;
  /**
   * The sandboxes (containers, pods) of this engine that exist right now, for the cases that prove nothing is left
   * behind. Without it those checks are left out.
   */
  leftovers?: () => Promise<string[]>;
  capabilities?: Partial<ConformanceCapabilities>;
  /**
   * Without `loopbackOnly`: a TCP port that listens on the sandbox's default gateway (the node), which a sandbox with
   * a network could reach — the kubelet's 10250 on Kubernetes. @default 10250
   */
  egressProbePort?: number;
  /**
   * Without `loopbackOnly`: a TCP server that a sandbox with a network could reach and that is known to listen (the
   * caller proved it from outside any sandbox just before). A refusal from it can only be a firewall's — policy
   * controllers such as kube-router reject with an ICMP port-unreachable, which connect() reports as ECONNREFUSED —
   * so the isolation case then connects there instead of to the gateway, and counts a refusal as blocked too.
   */
  listeningProbe?: () => Promise<{ host: string; port: number }>;
  /** Time allowed for each case. @default 120000 */
  caseTimeoutMs?: number;
}

/**
 * Registers the conformance suite with vitest: call it at the top level of a test file. Every case uses the
 * engine's "python" runtime, which an engine must therefore offer (isol8's built-in plugin or an equivalent).
 */
export function defineEngineConformance(options: ConformanceOptions): void {
  const capabilities: ConformanceCapabilities = {
    noexecTmp: true,
    oomKilled: true,
    installs: true,
    liveInput: true,
    loopbackOnly: true,
    networkIsolation: true,
    ...options.capabilities,
  };
  let engine: SandboxEngine | undefined;
  const context: SuiteContext = {
    engine: () => {
      if (!engine) throw new Error("the engine under test was not created (see the beforeAll error)");
      return engine;
    },
    capabilities,
    leftovers: options.leftovers,
    egressProbePort: options.egressProbePort ?? 10_250,
    listeningProbe: options.listeningProbe,
    timeout: options.caseTimeoutMs ?? 120_000,
  };
  describe(`SandboxEngine conformance: ${options.name}`, () => {
    beforeAll(async () => {
      engine = await options.createEngine();
    }, 600_000);
    afterAll(async () => {
      await engine?.close();
    }, 120_000);
    executionCases(context);
    limitCases(context);
    hardeningCases(context);
    if (capabilities.liveInput) liveInputCases(context);
    sessionCases(context);
    badInputCases(context);
  });
}
