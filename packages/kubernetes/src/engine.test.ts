import { createRuntimeRegistry } from "@isol8/core";
import python from "@isol8/runtime-python";
import { afterEach, describe, expect, it } from "vitest";
import { createKubernetesEngine } from "./engine.js";
import { SESSION_EXPIRES_ANNOTATION as EXPIRES } from "./sessions/session-pods.js";
import { FakeKube } from "./testing/fake-kube.js";

const runtimes = createRuntimeRegistry([python()]);

function setup(options: { pool?: { size: number }; verifyNetworkPolicy?: boolean } = {}) {
  const kube = new FakeKube();
  // The isolation probe is a command of its own; the tests that are about it turn it on.
  const engine = createKubernetesEngine({ runtimes, client: kube, verifyNetworkPolicy: false, ...options });
  return { kube, engine };
}

const isProbe = (argv: string[]) => argv[0] === "/bin/bash" && argv[3] === "isol8-probe";

describe("createKubernetesEngine (fake cluster)", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it("runs the code in a fresh pod through the agent and deletes the pod after", async () => {
    const { kube, engine } = setup();
    close = () => engine.close();
    kube.program = ({ argv, stdin }) => ({ stdout: `${argv.join(" ")}|${stdin}`, stderr: "warn\n", code: 3 });
    const result = await engine.execute({ runtime: "python", code: "print(1)", stdin: "in" });
    expect(result).toMatchObject({
      exitCode: 3,
      stderr: "warn\n",
      image: "isol8:python",
      imageMatch: "runtime",
    });
    // Code arrives over the agent's stdin stream; the argv caps processes with RLIMIT_NPROC.
    expect(result.stdout).toBe("prlimit --nproc=128 -- python3 -c print(1)|in");
    await engine.close();
    expect(kube.pods.size).toBe(0);
    const [policy, create, exec] = kube.events;
    expect(policy).toBe("create policy isol8-sandbox-deny-all");
    expect(create).toMatch(/^create pod isol8-sandbox-/);
    expect(exec).toMatch(/^exec isol8-sandbox-\w+ \/usr\/local\/bin\/isol8-agent$/);
  });

  it("masks secrets and brings files back", async () => {
    const { kube, engine } = setup();
    close = () => engine.close();
    kube.program = ({ env }) => ({
      stdout: `token=${env.find((entry) => entry.startsWith("TOKEN="))?.slice(6)}`,
    });
    const result = await engine.execute({
      runtime: "python",
      code: "x",
      secrets: { TOKEN: "hunter2-secret" },
      files: [{ path: "in.txt", content: new TextEncoder().encode("42") }],
      download: ["in.txt", "none.txt"],
    });
    expect(result.stdout).toBe("token=***");
    expect(Buffer.from(result.files[0]?.content ?? []).toString()).toBe("42");
    expect(result.files[1]?.error).toContain("No such file");
  });

  it("kills a program at its timeout and says so", async () => {
    const { kube, engine } = setup();
    close = () => engine.close();
    kube.program = () => "hang";
    const result = await engine.execute({
      runtime: "python",
      code: "while True: pass",
      limits: { timeoutMs: 200 },
    });
    expect(result).toMatchObject({ timedOut: true, exitCode: 137, signal: "SIGKILL", oomKilled: false });
    expect(result.durations.runMs).toBeGreaterThanOrEqual(190);
  });

  it("stops at the output cap and marks the result truncated", async () => {
    const { kube, engine } = setup();
    close = () => engine.close();
    kube.program = () => ({ stdout: "x".repeat(5000) });
    const result = await engine.execute({ runtime: "python", code: "x", limits: { maxOutputBytes: 1000 } });
    expect(result.truncated).toBe(true);
    expect(result.stdout).toHaveLength(1000);
  });

  it("says IMAGE_MISSING when the node lacks the image, and leaves no pod", async () => {
    const { kube, engine } = setup();
    close = () => engine.close();
    kube.images.clear();
    await expect(engine.execute({ runtime: "python", code: "" })).rejects.toMatchObject({
      code: "IMAGE_MISSING",
    });
    expect(kube.pods.size).toBe(0);
  });

  it("runs packages in the custom image baked for them, named as Docker names it", async () => {
    const { kube, engine } = setup();
    close = () => engine.close();
    kube.images.clear();
    const failure = engine.execute({ runtime: "python", code: "", install: ["six"] });
    await expect(failure).rejects.toThrow(/isol8:python-custom-[0-9a-f]{12} is not on the Kubernetes node/);
  });

  it("refuses what it does not do before any pod exists", async () => {
    const { kube, engine } = setup();
    close = () => engine.close();
    await expect(engine.execute({ runtime: "python", code: "", persist: true })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(
      engine.execute({ runtime: "python", code: "", network: { mode: "host" } }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    expect(kube.events).toEqual([]);
  });

  it("claims a pre-started pod from the pool and starts its replacement", async () => {
    const { kube, engine } = setup({ pool: { size: 1 } });
    close = () => engine.close();
    await engine.prewarm({ runtime: "python" });
    const [pooled] = kube.pods.keys();
    const result = await engine.execute({ runtime: "python", code: "" });
    expect(result.durations.sandboxMs).toBe(0);
    expect(kube.events).toContain(`delete pod ${pooled}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(kube.pods.size).toBe(1);
    await engine.close();
    expect(kube.pods.size).toBe(0);
  });

  it("keeps one pod per session, finds it again, and deletes it on stop", async () => {
    const { kube, engine } = setup();
    close = () => engine.close();
    const session = await engine.session("my.notebook_", { runtime: "python" });
    await session.writeFiles([{ path: "state.txt", content: new TextEncoder().encode("kept") }]);
    session.detach();
    const again = await engine.session("my.notebook_", { runtime: "python" });
    const [file] = await again.readFiles(["state.txt"]);
    expect(Buffer.from(file?.content ?? []).toString()).toBe("kept");
    expect(kube.pods.size).toBe(1);
    expect(await engine.listSessions()).toMatchObject([
      { name: "my.notebook_", runtime: "python", state: "running" },
    ]);
    await expect(engine.session("my.notebook_", { runtime: "node" })).rejects.toMatchObject({
      code: "RUNTIME_UNKNOWN",
    });
    expect(await engine.stopSession("my.notebook_")).toBe(true);
    expect(await engine.stopSession("never")).toBe(false);
    expect(kube.pods.size).toBe(0);
  });

  it("moves a session's idle deadline with each operation, and another engine removes it once that passed", async () => {
    const { kube, engine } = setup();
    close = () => engine.close();
    const expiresAt = () => Number(kube.pods.values().next().value?.metadata?.annotations?.[EXPIRES]);
    const opened = Date.now();
    const session = await engine.session("notes", { runtime: "python", idleTimeoutMs: 60_000 });
    expect(expiresAt()).toBeGreaterThanOrEqual(opened + 60_000);
    const before = expiresAt();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await session.execute({ code: "print(1)" });
    expect(expiresAt()).toBeGreaterThan(before);
    // While it runs, the deadline also covers the run's own time limit.
    expect(kube.events.filter((event) => event.startsWith("annotate pod"))).toHaveLength(2);
    session.detach();

    // The opener went away (a CLI run ends); whoever lists or opens sessions after the deadline removes it.
    const later = createKubernetesEngine({ runtimes, client: kube });
    expect(await later.listSessions()).toHaveLength(1);
    const [pod] = kube.pods.values();
    if (pod?.metadata?.annotations) pod.metadata.annotations[EXPIRES] = String(Date.now() - 1);
    expect(await later.listSessions()).toEqual([]);
    expect(kube.pods.size).toBe(0);
    await later.close();
  });

  it("proves each new pod cut off from the canary before the code runs in it", async () => {
    const { kube, engine } = setup({ verifyNetworkPolicy: true });
    close = () => engine.close();
    const ran: string[][] = [];
    kube.program = ({ argv }) => {
      ran.push(argv);
      return isProbe(argv) ? { code: 0 } : { stdout: "ran", code: 0 };
    };
    const result = await engine.execute({ runtime: "python", code: "print(1)" });
    expect(result.stdout).toBe("ran");
    expect(ran).toHaveLength(2);
    // The canary's address and port, then how long to wait for enforcement.
    expect(ran[0]?.slice(4)).toEqual(["10.0.0.9", "3128", "100"]);
  });

  it("fails closed when the canary is still reachable: nothing of the user's runs, the pod is gone", async () => {
    const { kube, engine } = setup({ verifyNetworkPolicy: true });
    close = () => engine.close();
    const ran: string[][] = [];
    kube.program = ({ argv }) => {
      ran.push(argv);
      return { code: isProbe(argv) ? 1 : 0 };
    };
    await expect(engine.execute({ runtime: "python", code: "print(1)" })).rejects.toMatchObject({
      code: "SANDBOX_FAILED",
      message: expect.stringContaining("does not enforce the sandbox's NetworkPolicy"),
    });
    await expect(engine.session("s", { runtime: "python" })).rejects.toMatchObject({
      code: "SANDBOX_FAILED",
    });
    expect(ran.every(isProbe)).toBe(true);
    await engine.close();
    expect([...kube.pods.keys()].filter((name) => !name.startsWith("isol8-proxy-"))).toEqual([]);
  });

  it("finds and removes everything labelled as isol8's", async () => {
    const { kube, engine } = setup();
    close = () => engine.close();
    await engine.session("left", { runtime: "python" });
    const leftovers = await engine.findLeftovers();
    expect(leftovers.pods).toHaveLength(1);
    expect(leftovers.networkPolicies).toEqual(["isol8-sandbox-deny-all"]);
    expect(await engine.cleanup(leftovers)).toMatchObject({ pods: 1, networkPolicies: 1 });
    expect(kube.pods.size + kube.policies.size).toBe(0);
  });
});
