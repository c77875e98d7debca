import { execFileSync, spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { creations } from "./helpers/engine-spy.js";
import {
  CONTAINER_ID_BASH,
  existingContainers,
  hostnameOf,
  PRINT_CONTAINER_ID_PY,
  type WatchedEngine,
  waitUntilGone,
  watchedEngine,
} from "./helpers/watched-engine.js";

/**
 * The warm pool hands out pre-started containers, each for exactly one execution: what one run leaves behind
 * (files, processes, environment) must never reach the next, a pooled container that died must not be handed
 * out, and `close()` must leave nothing behind.
 */

const PYTHON_LEAVES_TRACES = `
import os, pathlib, subprocess, time
pathlib.Path("/sandbox/leak.txt").write_text("run 1")
pathlib.Path("/tmp/leak.txt").write_text("run 1")
subprocess.Popen(["sleep", "300"], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(0.2)
os.environ["ISOL8_LEAK"] = "run 1"
for rc in ("~/.bashrc", "~/.profile"):
    with open(os.path.expanduser(rc), "a") as f:
        f.write("export ISOL8_LEAK=run1\\n")
`;

const PYTHON_LOOKS_FOR_TRACES = `
import json, os, re, subprocess
def commands():
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            found.append(open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\\0", b" ").decode().strip())
        except OSError:
            pass
    return found
print(json.dumps({
    "hostname": next(m.group(0)[:12] for m in (re.search(r"[0-9a-f]{64}", l) for l in open("/proc/self/cgroup")) if m),
    "sandboxFile": os.path.exists("/sandbox/leak.txt"),
    "tmpFile": os.path.exists("/tmp/leak.txt"),
    "sleeping": [c for c in commands() if c.startswith("sleep")],
    "env": os.environ.get("ISOL8_LEAK"),
    "loginShellEnv": subprocess.run(["bash", "-lic", "echo -n $ISOL8_LEAK"], capture_output=True, text=True).stdout,
}))
`;

const BASH_LEAVES_TRACES = `
echo run1 > /sandbox/leak.txt
echo run1 > /tmp/leak.txt
nohup sleep 300 >/dev/null 2>&1 &
export ISOL8_LEAK=run1
echo 'export ISOL8_LEAK=run1' >> ~/.bashrc
sleep 0.2
`;

const BASH_LOOKS_FOR_TRACES = `
sleeping=$(cat /proc/[0-9]*/comm 2>/dev/null | grep -cx sleep)
printf '%s %s %s %s %s\\n' "${CONTAINER_ID_BASH}" \\
  "$([ -e /sandbox/leak.txt ] && echo file || echo no-file)" \\
  "$([ -e /tmp/leak.txt ] && echo tmp || echo no-tmp)" \\
  "sleeping=$sleeping" "env=\${ISOL8_LEAK:-unset}/$(bash -ic 'echo -n \${ISOL8_LEAK:-unset}' 2>/dev/null)"
`;

let watched: WatchedEngine | undefined;

afterEach(async () => {
  if (!watched) return;
  const started = watched.startedWithHolders();
  await watched.close();
  watched = undefined;
  // close() waits for every removal it started: nothing of this engine may survive it.
  expect(existingContainers(started)).toEqual([]);
});

describe("pooled runs are isolated from each other", () => {
  it("python: files, background processes and environment of run 1 do not reach runs 2 and 3", async () => {
    watched = await watchedEngine({ pool: { size: 2 } });
    const { engine } = watched;
    await engine.prewarm({ runtime: "python" });
    expect(watched.started()).toHaveLength(2);

    // Run 1 checks its own traces first: the probe must see what it looks for when it is there.
    const first = await engine.execute({
      runtime: "python",
      code: PYTHON_LEAVES_TRACES + PYTHON_LOOKS_FOR_TRACES,
    });
    expect(first.stderr).toBe("");
    expect(first.exitCode).toBe(0);
    // Served from the pool: no container start on the critical path.
    expect(first.durations.sandboxMs).toBeLessThan(100);
    const own = JSON.parse(first.stdout);
    expect(own).toMatchObject({
      sandboxFile: true,
      tmpFile: true,
      sleeping: ["sleep 300"],
      env: "run 1",
      loginShellEnv: "run1",
    });
    const hostnames = [own.hostname];

    for (const run of [2, 3]) {
      const result = await engine.execute({ runtime: "python", code: PYTHON_LOOKS_FOR_TRACES });
      expect(result.stderr, `run ${run}`).toBe("");
      const seen = JSON.parse(result.stdout);
      expect(seen, `run ${run}`).toMatchObject({
        sandboxFile: false,
        tmpFile: false,
        sleeping: [],
        env: null,
        loginShellEnv: "",
      });
      hostnames.push(seen.hostname);
    }
    expect(new Set(hostnames).size).toBe(3);
    // Every hostname is one of the containers this engine started: each run had a container of its own.
    const started = watched.started().map(hostnameOf);
    for (const hostname of hostnames) expect(started).toContain(hostname);
  });

  it("bash: nohup'd processes, files, exports and ~/.bashrc of run 1 do not reach run 2", async () => {
    watched = await watchedEngine({ pool: { size: 2 } });
    const { engine } = watched;
    await engine.prewarm({ runtime: "bash" });

    const first = await engine.execute({ runtime: "bash", code: BASH_LEAVES_TRACES + BASH_LOOKS_FOR_TRACES });
    expect(first.stderr).toBe("");
    const [firstHost, ...own] = first.stdout.trim().split(" ");
    expect(own).toEqual(["file", "tmp", "sleeping=1", "env=run1/run1"]);
    const second = await engine.execute({ runtime: "bash", code: BASH_LOOKS_FOR_TRACES });
    expect(second.stderr).toBe("");
    const [hostname, ...traces] = second.stdout.trim().split(" ");
    expect(traces).toEqual(["no-file", "no-tmp", "sleeping=0", "env=unset/unset"]);
    expect(hostname).not.toBe(firstHost);
  });
});

describe("pooled sandboxes borrow a network namespace, one sandbox at a time", () => {
  const PROBE = (port: number) => `
import os, socket
netns = os.readlink("/proc/self/ns/net")
def reachable():
    try:
        socket.create_connection(("127.0.0.1", ${port}), timeout=1).close()
        return "connected"
    except OSError as error:
        return type(error).__name__
def abstract():
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect("\\0isol8-test-${port}")
        return "connected"
    except OSError as error:
        return type(error).__name__
print(netns, reachable(), abstract())
`;
  const LISTEN = (port: number) => `
import subprocess, time
server = """
import socket, time
tcp = socket.socket(); tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind(("127.0.0.1", ${port})); tcp.listen()
unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); unix.bind("\\\\0isol8-test-${port}"); unix.listen()
time.sleep(300)
"""
subprocess.Popen(["python3", "-c", server], start_new_session=True)
time.sleep(0.5)
`;

  it("a later sandbox in the same namespace finds nothing of the earlier one's sockets", async () => {
    watched = await watchedEngine({ pool: { size: 1 } });
    const { engine } = watched;
    await engine.prewarm({ runtime: "python" });
    const pause = () => new Promise((resolve) => setTimeout(resolve, 1000));
    // A leaves a TCP server and an abstract Unix socket listening, and sees them itself.
    const a = await engine.execute({ runtime: "python", code: LISTEN(8765) + PROBE(8765) });
    const [netnsA, tcpA, unixA] = a.stdout.trim().split(" ");
    expect([tcpA, unixA]).toEqual(["connected", "connected"]);
    await pause();
    // B runs on the sandbox started while A ran (another namespace); the one started after B's claim gets A's.
    await engine.execute({ runtime: "python", code: PROBE(8765) });
    await pause();
    const c = await engine.execute({ runtime: "python", code: PROBE(8765) });
    const [netnsC, tcpC, unixC] = c.stdout.trim().split(" ");
    expect(netnsC).toBe(netnsA);
    expect([tcpC, unixC]).toEqual(["ConnectionRefusedError", "ConnectionRefusedError"]);
  });

  it("sandboxes running at the same time never share a namespace", async () => {
    watched = await watchedEngine({ pool: { size: 4 } });
    const { engine } = watched;
    await engine.prewarm({ runtime: "python" });
    const code = "import os, time; print(os.readlink('/proc/self/ns/net')); time.sleep(1)";
    const results = await Promise.all(
      Array.from({ length: 6 }, () => engine.execute({ runtime: "python", code })),
    );
    const namespaces = results.map((result) => result.stdout.trim());
    expect(namespaces.every((netns) => /^net:\[\d+\]$/.test(netns))).toBe(true);
    expect(new Set(namespaces).size).toBe(6);
  });
});

describe("the pool's lifecycle", () => {
  it("replaces a pooled container that died instead of handing it out", async () => {
    watched = await watchedEngine({ pool: { size: 1 } });
    const { engine } = watched;
    await engine.prewarm({ runtime: "python" });
    const [pooled] = watched.started();
    expect(pooled).toBeDefined();
    if (!pooled) return;

    execFileSync("docker", ["kill", pooled], { stdio: "ignore" });
    // Dead for Docker too (a `wait` that finds it already removed itself fails, which is fine); the engine learns
    // it from the attach stream, which the kill closed.
    spawnSync("docker", ["wait", pooled], { stdio: "ignore" });

    const result = await engine.execute({ runtime: "python", code: PRINT_CONTAINER_ID_PY });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const hostname = result.stdout.trim();
    expect(hostname).not.toBe(hostnameOf(pooled));
    expect(watched.started().map(hostnameOf)).toContain(hostname);
    // The dead one is removed, not left behind for `isol8 cleanup`.
    expect(await waitUntilGone([pooled])).toEqual([]);
  });

  it.each([
    [2, "after the claimed execution ends, while another sandbox is still ready", 2],
    [1, "at once when the claim emptied the pool", 2],
  ])("pool of %i: refills %s", async (size, _when, createdDuringRun) => {
    watched = await watchedEngine({ pool: { size } });
    const { engine } = watched;
    await engine.prewarm({ runtime: "python" });
    const running = engine.execute({
      runtime: "python",
      code: "import time; time.sleep(1.5); print('done')",
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Creations, not starts: a replacement counts from its first request, however slow the engine is.
    expect(creations(watched.spy.requests)).toHaveLength(createdDuringRun);
    expect((await running).stdout).toBe("done\n");
    const deadline = Date.now() + 10_000;
    while (watched.started().length < size + 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(watched.started()).toHaveLength(size + 1);
  });

  it("close() removes pooled, used and refilling containers alike", async () => {
    watched = await watchedEngine({ pool: { size: 3 } });
    const { engine } = watched;
    await engine.prewarm({ runtime: "python" });
    expect(watched.started()).toHaveLength(3);
    const result = await engine.execute({ runtime: "python", code: "print(1)" });
    expect(result.stdout).toBe("1\n");

    const started = watched.startedWithHolders();
    await watched.close();
    watched = undefined;
    expect(started.length).toBeGreaterThanOrEqual(3);
    expect(existingContainers(started)).toEqual([]);
  });
});
