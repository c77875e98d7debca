import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { containerState, eventually, startCli } from "./helpers/security.js";
import { type WatchedEngine, waitUntilGone, watchedEngine } from "./helpers/watched-engine.js";

/*
 * Hygiene: every sandbox is fresh and is removed, whatever happened. Other test files run containers with the same
 * labels at the same time, so each test follows only the containers it made itself: by the ids its engine started
 * (helpers/watched-engine.ts), or by the hostname a program prints (Docker sets it to the container's short id).
 */

const HOSTNAME = "import socket; print(socket.gethostname(), flush=True)";

describe("concurrent runs through one engine", () => {
  let watched: WatchedEngine;
  beforeAll(async () => {
    watched = await watchedEngine();
  });
  afterAll(async () => {
    await watched.close();
  });

  it("30 at once each print their own index in their own container, and none remains", async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        watched.engine.execute({ runtime: "python", code: `${HOSTNAME}\nprint(${index})` }),
      ),
    );
    const hostnames = results.map((result, index) => {
      const [hostname, printed] = result.stdout.split("\n");
      expect(printed).toBe(String(index));
      expect(result).toMatchObject({ exitCode: 0, stderr: "", timedOut: false, oomKilled: false });
      return hostname;
    });
    // Fresh every time: 30 different containers, all of them started by this engine.
    expect(new Set(hostnames).size).toBe(30);
    const started = watched.started();
    expect(started).toHaveLength(30);
    expect(started.map((id) => id.slice(0, 12)).sort()).toEqual([...hostnames].sort());
    await watched.engine.close();
    expect(await waitUntilGone(started)).toEqual([]);
  });
});

describe("the CLI removes its container in every case", () => {
  it.each([
    ["a normal exit", [], "print('ok')", 0],
    ["a failing program", [], "raise SystemExit(1)", 1],
    ["a timeout", ["--timeout", "1s"], "while True: pass", 124],
    ["an OOM kill", ["--memory", "64m"], "x = [b'x' * (8 << 20) for _ in range(1000)]", 137],
    ["the output cap", ["--max-output", "64k"], "while True: print('y' * 1000)", 137],
  ])("after %s", async (_, flags, code, exitCode) => {
    const result = await runCli(["run", "-r", "python", ...flags, "-e", `${HOSTNAME}\n${code}`]);
    expect(result.code).toBe(exitCode);
    const hostname = result.stdout.split("\n")[0] ?? "";
    expect(hostname).toMatch(/^[0-9a-f]{12}$/);
    // The container removes itself (Docker's auto-remove); the CLI does not wait for that before it exits.
    expect(await eventually(() => containerState(hostname) === undefined, 10_000)).toBe(true);
  });

  it("after Ctrl-C: exit 130, and the container it created is gone", async () => {
    const cli = startCli(["run", "-r", "python", "-e", `${HOSTNAME}\nimport time\ntime.sleep(60)`]);
    const hostname = await cli.line(/^[0-9a-f]{12}$/);
    expect(containerState(hostname)).toBe("running");
    const interrupted = performance.now();
    cli.child.kill("SIGINT");
    const { code } = await cli.exited;
    expect(code).toBe(130);
    expect(cli.stderr()).toBe("isol8: The execution was cancelled\n");
    expect(performance.now() - interrupted).toBeLessThan(10_000);
    expect(await eventually(() => containerState(hostname) === undefined, 10_000)).toBe(true);
  });

  it("after the CLI is SIGKILLed: the sandbox stops and removes itself", async () => {
    // What must not stay is the program: it would run past its timeout, which only the (dead) host enforces. The
    // agent sees the host's connection close (StdinOnce) and kills everything; the container then removes itself.
    // (`isol8 cleanup` removing orphans is tested in zz-cleanup.docker.test.ts.)
    const cli = startCli(["run", "-r", "python", "-e", `${HOSTNAME}\nwhile True: pass`]);
    const hostname = await cli.line(/^[0-9a-f]{12}$/);
    expect(containerState(hostname)).toBe("running");
    cli.child.kill("SIGKILL");
    await cli.exited;
    try {
      expect(await eventually(() => containerState(hostname) === undefined, 15_000)).toBe(true);
    } finally {
      if (containerState(hostname) !== undefined) execFileSync("docker", ["rm", "-f", hostname]);
    }
  });

  it("keeps the container with --persist, prints its id, and keeps secrets out of its configuration", async () => {
    const secret = "sup3r-s3cret-in-a-kept-container";
    const result = await runCli([
      "run",
      "--persist",
      "-r",
      "python",
      "--secret",
      `TOKEN=${secret}`,
      "-e",
      HOSTNAME,
    ]);
    const id = /^\[isol8\] container kept: ([0-9a-f]{64}) \(remove it with isol8 cleanup\)$/m.exec(
      result.stderr,
    )?.[1];
    try {
      expect(result.code).toBe(0);
      expect(id).toBeDefined();
      expect(id?.startsWith(result.stdout.trim())).toBe(true);
      expect(containerState(id ?? "")).toBe("running");
      const labels = execFileSync("docker", [
        "inspect",
        "--format",
        "{{json .Config.Labels}}",
        id ?? "",
      ]).toString();
      // Labelled as isol8's, so `isol8 cleanup` finds it.
      expect(JSON.parse(labels)).toMatchObject({ "org.isol8.managed": "true", "org.isol8.kind": "sandbox" });
      // Secrets reach the program through the agent's command request, never the container's configuration.
      expect(execFileSync("docker", ["inspect", id ?? ""]).toString()).not.toContain(secret);
    } finally {
      if (id) execFileSync("docker", ["rm", "-f", id]);
    }
  });
});
