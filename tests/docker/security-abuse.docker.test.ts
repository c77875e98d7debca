import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { containerState, peakRss, startCli } from "./helpers/security.js";
import { type WatchedEngine, waitUntilGone, watchedEngine } from "./helpers/watched-engine.js";

/*
 * Abuse: programs that try to exhaust the host. Each test names the protection it proves and, where a limit can
 * be relaxed through the library, runs the same probe once more with the limit raised to show that the probe
 * really detects what the limit prevents.
 */

const MiB = 1024 * 1024;
let watched: WatchedEngine;
const run = (code: string, limits: Record<string, number> = {}, runtime = "python") =>
  watched.engine.execute({ runtime, code, limits });

beforeAll(async () => {
  watched = await watchedEngine();
});

afterAll(async () => {
  await watched.close();
  // Every container the library started for this file is gone (the CLI runs check their own).
  expect(await waitUntilGone(watched.started())).toEqual([]);
});

describe("PID limit (HostConfig.PidsLimit, default 128)", () => {
  // Forks sleeping children until the kernel refuses; with room for all of them it reports how many it made.
  const forkChildren = (count: number) => `
import os, time
children = []
try:
    for _ in range(${count}):
        pid = os.fork()
        if pid == 0:
            time.sleep(30)
            os._exit(0)
        children.append(pid)
    print("forked", len(children))
except BlockingIOError as e:
    print("BlockingIOError", e.errno, e.strerror, "after", len(children))
for pid in children:
    os.kill(pid, 9)
`;

  it("stops a fork bomb with EAGAIN, and the run ends well before its timeout", async () => {
    // Proves the PID limit: every process forks forever; only the cgroup's pids.max stops them. The parent exits
    // as soon as the kernel says EAGAIN, so the run ends with the program's own code while the bomb is contained.
    const bomb = `
import os, sys, time
def bomb():
    while True:
        try:
            os.fork()
        except OSError:
            time.sleep(0.01)
try:
    while True:
        if os.fork() == 0:
            bomb()
except BlockingIOError as e:
    print(type(e).__name__, e.errno, e.strerror, flush=True)
    sys.exit(3)
`;
    const result = await run(bomb, { timeoutMs: 30_000 });
    expect(result.stdout).toBe("BlockingIOError 11 Resource temporarily unavailable\n");
    expect(result.exitCode).toBe(3);
    expect(result.timedOut).toBe(false);
    expect(result.durations.runMs).toBeLessThan(10_000);
  });

  it("refuses the 127th process of the sandbox, and allows 200 when the limit is raised", async () => {
    const limited = await run(forkChildren(200), { pids: 128 });
    // The agent and the program itself are 2 of the 128.
    expect(limited.stdout).toBe("BlockingIOError 11 Resource temporarily unavailable after 126\n");
    // Control: the same probe with the limit relaxed forks all 200, so EAGAIN above came from the limit.
    const relaxed = await run(forkChildren(200), { pids: 512 });
    expect(relaxed.stdout).toBe("forked 200\n");
  });
});

describe("memory limit without swap (HostConfig.Memory = MemorySwap)", () => {
  const hoard = (mebibytes: number) => `
hoard = []
for _ in range(${mebibytes} // 8):
    hoard.append(b"x" * (8 << 20))
print("allocated", len(hoard) * 8, "MiB")
`;

  it("reports a memory bomb as OOM (oomKilled, not timedOut), and the CLI exits 137", async () => {
    // Proves the memory limit: 1 GiB asked for in a 64 MiB sandbox is killed by the kernel's OOM killer.
    const result = await run(hoard(1024), { memoryBytes: 64 * MiB, timeoutMs: 30_000 });
    expect(result).toMatchObject({
      exitCode: 137,
      signal: "SIGKILL",
      oomKilled: true,
      timedOut: false,
      truncated: false,
      stdout: "",
    });
    expect(result.durations.runMs).toBeLessThan(15_000);

    const cli = await runCli(["run", "-r", "python", "--memory", "64m", "-e", hoard(1024)]);
    expect(cli.code).toBe(137);
    expect(cli.stderr).toContain("[isol8] out of memory: the program was killed (raise --memory)");
    expect(cli.stderr).not.toContain("timed out");

    // Control: the same probe with 512 MiB of room completes, so the kill above came from the limit.
    const relaxed = await run(hoard(128), { memoryBytes: 512 * MiB });
    expect(relaxed).toMatchObject({ exitCode: 0, oomKilled: false, stdout: "allocated 128 MiB\n" });
  });

  it("gives the sandbox no swap: the memory+swap limit equals the memory limit", async () => {
    // Proves MemorySwap = Memory. This host has no swap at all, so a bomb cannot show it; the cgroup can.
    const code = `
import json
def read(path):
    try:
        return open(path).read().strip()
    except OSError:
        return None
print(json.dumps({
    "v1": [read("/sys/fs/cgroup/memory/memory.limit_in_bytes"), read("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes")],
    "v2": [read("/sys/fs/cgroup/memory.max"), read("/sys/fs/cgroup/memory.swap.max")],
}))
`;
    const result = await run(code, { memoryBytes: 64 * MiB });
    const { v1, v2 } = JSON.parse(result.stdout) as Record<"v1" | "v2", (string | null)[]>;
    const limit = String(64 * MiB);
    if (v1[0] !== null) expect(v1).toEqual([limit, limit]);
    else expect(v2).toEqual([limit, "0"]);
  });
});

describe("timeout kills the whole container", () => {
  it("kills `while True: pass` at the timeout with a detached child, reports it, and removes the container", async () => {
    // Proves the timeout: the program never ends by itself; a child in its own session (setsid + nohup) would
    // survive a kill of the program's process group. The container is removed, so nothing of the tree remains.
    const code = `
import os, socket, subprocess
print(socket.gethostname(), flush=True)
child = subprocess.Popen(["setsid", "nohup", "sleep", "600"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
while os.getsid(child.pid) == os.getsid(0):
    pass
print("detached", child.pid, "in session", os.getsid(child.pid), flush=True)
while True:
    pass
`;
    const started = performance.now();
    const cli = startCli(["run", "-r", "python", "--timeout", "3s", "-e", code]);
    const hostname = await cli.line(/^[0-9a-f]{12}$/);
    await cli.line(/^detached \d+ in session \d+$/);
    expect(containerState(hostname)).toBe("running");
    const { code: exitCode } = await cli.exited;
    const seconds = (performance.now() - started) / 1000;

    expect(exitCode).toBe(124);
    expect(cli.stderr()).toContain("[isol8] timed out: the program was killed after 3s");
    expect(seconds).toBeLessThan(20);
    // The CLI waits for the removal before it exits: the container, and every process in it, is gone.
    expect(containerState(hostname)).toBeUndefined();
  });

  it("reports timedOut (not OOM) with the time it ran", async () => {
    const result = await run("while True:\n    pass\n", { timeoutMs: 1500 });
    expect(result).toMatchObject({ timedOut: true, oomKilled: false, exitCode: 137, signal: "SIGKILL" });
    expect(result.durations.runMs).toBeGreaterThanOrEqual(1500);
    expect(result.durations.runMs).toBeLessThan(8000);
  });
});

describe("output cap (limits.maxOutputBytes, default 1 MiB)", () => {
  it("truncates 1 GiB of output at the cap while the CLI's own memory stays bounded", async () => {
    // Proves the cap, and that the CLI never holds what is past it: it would need > 1 GiB otherwise.
    const cli = startCli(["run", "-r", "bash", "-e", "head -c 1073741824 /dev/zero | tr '\\0' y"]);
    const pid = cli.child.pid ?? 0;
    let peak = 0;
    const started = performance.now();
    const sampler = setInterval(() => {
      peak = Math.max(peak, peakRss(pid) ?? 0);
    }, 20);
    const { code } = await cli.exited;
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    console.info(
      `[security] 1 GiB flood: CLI peak RSS (VmHWM) ${(peak / MiB).toFixed(0)} MiB, ${seconds.toFixed(1)} s`,
    );

    expect(cli.stdout()).toHaveLength(MiB);
    expect(cli.stdout()).toMatch(/^y+$/);
    expect(cli.stderr()).toContain(
      "[isol8] output truncated at the --max-output cap; the program was stopped there",
    );
    // The program is stopped at the cap: SIGKILL, 128 + 9.
    expect(code).toBe(137);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(250 * 1e6);
    expect(seconds).toBeLessThan(30);
  });

  it("flags truncation in the result, and does not truncate under a raised cap", async () => {
    const flood = (mebibytes: number) => `
import sys
chunk = b"y" * 65536
for _ in range(${mebibytes} * 16):
    sys.stdout.buffer.write(chunk)
`;
    const capped = await run(flood(1024));
    expect(capped).toMatchObject({ truncated: true, timedOut: false, oomKilled: false });
    expect(capped.stdout.length).toBe(MiB);
    // Control: 3 MiB under an 8 MiB cap arrives whole, so the cut above is the cap's.
    const relaxed = await run(flood(3), { maxOutputBytes: 8 * MiB });
    expect(relaxed).toMatchObject({ truncated: false, exitCode: 0 });
    expect(relaxed.stdout.length).toBe(3 * MiB);
  });
});

describe("size-limited /sandbox (limits.sandboxBytes)", () => {
  const fill = `
import errno, os, sys
written = 0
with open("/sandbox/fill", "wb", buffering=0) as f:
    try:
        while written < (24 << 20):
            written += f.write(b"\\0" * 65536)
    except OSError as e:
        print(type(e).__name__, e.errno, errno.errorcode[e.errno], written, flush=True)
        sys.exit(7)
print("wrote", written)
`;

  it("gives ENOSPC inside when /sandbox is full, and the run ends with the program's own exit code", async () => {
    // Proves the tmpfs size: 24 MiB do not fit in --sandbox-size 16m.
    const cli = await runCli(["run", "-r", "python", "--sandbox-size", "16m", "-e", fill]);
    expect(cli.code).toBe(7);
    const match = /^OSError 28 ENOSPC (\d+)\n$/.exec(cli.stdout);
    expect(match).not.toBeNull();
    const written = Number(match?.[1]);
    expect(written).toBeGreaterThan(15 * MiB);
    expect(written).toBeLessThanOrEqual(16 * MiB);
    expect(cli.stderr).toBe("");

    // Control: with 64 MiB of room the same program writes all 24 MiB.
    const relaxed = await run(fill, { sandboxBytes: 64 * MiB });
    expect(relaxed).toMatchObject({ exitCode: 0, stdout: `wrote ${24 * MiB}\n` });
  });
});

describe("CPU quota (HostConfig.NanoCpus)", () => {
  const spin = `
import json, time
def read(path):
    try:
        return open(path).read()
    except OSError:
        return None
def throttled():
    text = read("/sys/fs/cgroup/cpu/cpu.stat") or read("/sys/fs/cgroup/cpu.stat") or ""
    return int(dict(line.split() for line in text.splitlines()).get("nr_throttled", -1))
def quota():
    if read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"):
        return int(read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")) / int(read("/sys/fs/cgroup/cpu/cpu.cfs_period_us"))
    q, p = read("/sys/fs/cgroup/cpu.max").split()
    return int(q) / int(p)
before = throttled()
start, cpu = time.monotonic(), time.process_time()
while time.monotonic() - start < 1.5:
    pass
print(json.dumps({"quota": quota(), "throttled": throttled() - before,
                  "share": (time.process_time() - cpu) / (time.monotonic() - start)}))
`;

  it("throttles a busy loop to half a core with cpus 0.5, and never with cpus 2", async () => {
    // Proves the quota by its effect: the kernel throttled the cgroup, and the loop got at most about half a core.
    // Other load on the host can only lower the share, so the upper bound is safe.
    const half = JSON.parse((await run(spin, { cpus: 0.5 })).stdout);
    expect(half.quota).toBe(0.5);
    expect(half.throttled).toBeGreaterThan(0);
    expect(half.share).toBeLessThan(0.75);
    // Control: one thread can never use two cores, so under cpus 2 the same loop is never throttled.
    const two = JSON.parse((await run(spin, { cpus: 2 })).stdout);
    expect(two.quota).toBe(2);
    expect(two.throttled).toBe(0);
  });
});
