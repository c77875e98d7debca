import { execFileSync } from "node:child_process";
import type { DockerEngine, DockerEngineOptions } from "@isol8/docker";
import { buildTestEngine } from "./engine.js";
import { type EngineSpy, spyOnEngine } from "./engine-spy.js";

const START = /^POST \/(?:v[\d.]+\/)?containers\/([0-9a-f]{64})\/start/;

/** An engine whose Docker traffic passes through a spy, so the containers it started are known by id. */
export interface WatchedEngine {
  engine: DockerEngine;
  spy: EngineSpy;
  /** Full ids of every sandbox this engine started so far, in order. */
  started(): string[];
  /** The same plus the network-namespace holders of its pool. */
  startedWithHolders(): string[];
  /** Closes the engine, then the spy. */
  close(): Promise<void>;
}

/**
 * Other test files share the engine and its labels, so "this engine left no container" is only provable for the
 * containers it started itself: their ids appear in its `POST /containers/<id>/start` requests.
 */
export async function watchedEngine(options: Partial<DockerEngineOptions> = {}): Promise<WatchedEngine> {
  const spy = await spyOnEngine();
  const engine = buildTestEngine({
    ...options,
    connection: { socketPath: spy.env.DOCKER_HOST.slice("unix://".length) },
  });
  const kinds = new Map<string, string>();
  const startedIds = () => [...new Set(spy.requests.flatMap((request) => START.exec(request)?.[1] ?? []))];
  // A pool's sandboxes borrow the network namespace of small holder containers, which the engine also starts.
  const isHolder = (id: string) => {
    if (!kinds.has(id)) kinds.set(id, kindOf(id));
    return kinds.get(id) === "netns";
  };
  return {
    engine,
    spy,
    started: () => startedIds().filter((id) => !isHolder(id)),
    startedWithHolders: startedIds,
    close: async () => {
      await engine.close();
      await spy.close();
    },
  };
}

function kindOf(id: string): string {
  try {
    return execFileSync("docker", ["inspect", "--format", '{{index .Config.Labels "org.isol8.kind"}}', id])
      .toString()
      .trim();
  } catch {
    return "gone";
  }
}

/** Those of `ids` that still exist as containers (running or not). */
export function existingContainers(ids: readonly string[]): string[] {
  return ids.filter((id) => {
    try {
      execFileSync("docker", ["inspect", "--format", "{{.Id}}", id], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  });
}

/** Polls until none of `ids` exists (AutoRemove and background removals take a moment); returns what is left. */
export async function waitUntilGone(ids: readonly string[], timeoutMs = 20_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let left = existingContainers(ids);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    left = existingContainers(left);
  }
  return left;
}

/** The `/etc/hostname` Docker gives a container: the first 12 characters of its id. */
export function hostnameOf(id: string): string {
  return id.slice(0, 12);
}

/**
 * Python that prints the 12-character id of the container it runs in, from its cgroup (cgroup v1, as on our
 * machines). Not the hostname: a pooled sandbox has its network namespace holder's.
 */
export const PRINT_CONTAINER_ID_PY = `
import re
print(next(m.group(0)[:12] for m in (re.search(r"[0-9a-f]{64}", line) for line in open("/proc/self/cgroup")) if m))
`;

/** The same in bash. */
export const CONTAINER_ID_BASH = "$(grep -o -m1 '[0-9a-f]\\{64\\}' /proc/self/cgroup | cut -c1-12)";
