import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { limitsSchema } from "@isol8/core";
import { afterAll, describe, expect, it } from "vitest";
import { createDockerClient } from "../../packages/docker/src/client.js";
import { containerSpec } from "../../packages/docker/src/sandbox/container-spec.js";
import { loadSeccompProfile } from "../../packages/docker/src/sandbox/seccomp.js";
import { removeSparesOf, SpareSandboxes } from "../../packages/docker/src/sandbox/spare-sandboxes.js";
import { runCli } from "./helpers/cli.js";
import { spareNames } from "./helpers/containers.js";
import { containerState, eventually } from "./helpers/security.js";

/*
 * The CLI's warm start: a run leaves a started, never-used sandbox for the next run of its kind, which claims it
 * by renaming it. Each test gives its runs a memory limit no other test uses: spares are per kind (image and
 * limits), so the spares a test sees are its own.
 */

const HOSTNAME = "import socket; print(socket.gethostname(), flush=True)";

function removeSpares(names: readonly string[]): void {
  for (const name of names) execFileSync("docker", ["rm", "-f", name], { stdio: "ignore" });
}

/** The spares that appeared while `work` ran. */
async function sparesLeftBy<T>(work: () => Promise<T>): Promise<{ result: T; spares: string[] }> {
  const before = new Set(spareNames());
  const result = await work();
  return { result, spares: spareNames().filter((name) => !before.has(name)) };
}

function shortId(name: string): string {
  return execFileSync("docker", ["inspect", "--format", "{{.Id}}", name]).toString().trim().slice(0, 12);
}

const created: string[] = [];
afterAll(() => {
  removeSpares(spareNames().filter((name) => created.includes(name)));
});

describe("the CLI's spare sandbox", () => {
  it("a run leaves one started spare; the next run of that kind runs in it and leaves the next", async () => {
    const flags = ["-r", "python", "--memory", "201m"];
    const first = await sparesLeftBy(() => runCli(["run", ...flags, "-e", HOSTNAME]));
    expect(first.result.code).toBe(0);
    expect(first.spares).toHaveLength(1);
    const [spare = ""] = first.spares;
    created.push(spare);
    expect(await eventually(() => containerState(spare) === "running", 10_000)).toBe(true);
    const spareId = shortId(spare);

    const second = await sparesLeftBy(() => runCli(["run", ...flags, "-e", HOSTNAME]));
    expect(second.result.code).toBe(0);
    // The second run ran in the spare (its hostname is the container's id); the spare's name is free again and
    // names the next spare, a different container.
    expect(second.result.stdout.trim()).toBe(spareId);
    expect(spareNames()).toContain(spare);
    expect(shortId(spare)).not.toBe(spareId);
    expect(await eventually(() => containerState(spareId) === undefined, 10_000)).toBe(true);
  });

  it("a spare has seen nothing of the run that left it: no file, no process, no environment", async () => {
    const flags = ["-r", "python", "--memory", "202m"];
    const leaving = await sparesLeftBy(() =>
      runCli([
        "run",
        ...flags,
        "--env",
        "LEFT=behind",
        "-e",
        [
          "import subprocess",
          "open('/sandbox/left-behind', 'w').write('x')",
          "subprocess.Popen(['sleep', '300'], start_new_session=True)",
          "print('left')",
        ].join("\n"),
      ]),
    );
    expect(leaving.result).toMatchObject({ code: 0, stdout: "left\n" });
    created.push(...leaving.spares);

    const claiming = await runCli([
      "run",
      ...flags,
      "-e",
      [
        "import os",
        "print(os.path.exists('/sandbox/left-behind'), os.environ.get('LEFT'))",
        "print([open(f'/proc/{p}/comm').read().strip() for p in os.listdir('/proc') if p.isdigit()])",
      ].join("\n"),
    ]);
    expect(claiming.code).toBe(0);
    const [files, processes] = claiming.stdout.trim().split("\n");
    expect(files).toBe("False None");
    expect(processes).toContain("python3");
    expect(processes).not.toContain("sleep");
  });

  it("--no-spare neither runs in a spare nor leaves one", async () => {
    const flags = ["-r", "python", "--memory", "203m"];
    const leaving = await sparesLeftBy(() => runCli(["run", ...flags, "-e", "print(1)"]));
    expect(leaving.spares).toHaveLength(1);
    created.push(...leaving.spares);
    const spareId = shortId(leaving.spares[0] ?? "");

    const without = await sparesLeftBy(() => runCli(["run", ...flags, "--no-spare", "-e", HOSTNAME]));
    expect(without.result.code).toBe(0);
    expect(without.result.stdout.trim()).not.toBe(spareId);
    expect(without.spares).toEqual([]);
    expect(shortId(leaving.spares[0] ?? "")).toBe(spareId);
  });

  it("an unclaimed spare removes itself after spare.idleTimeout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "isol8-spare-"));
    try {
      writeFileSync(join(dir, "isol8.config.json"), JSON.stringify({ spare: { idleTimeout: "2s" } }));
      const flags = ["-r", "python", "--memory", "204m"];
      const { result, spares } = await sparesLeftBy(() =>
        runCli(["run", ...flags, "-e", "print(1)"], { cwd: dir }),
      );
      expect(result.code).toBe(0);
      expect(spares).toHaveLength(1);
      created.push(...spares);
      expect(await eventually(() => containerState(spares[0] ?? "") === undefined, 15_000)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs racing for one spare: exactly one gets it, each runs in its own container, one spare is left", async () => {
    const flags = ["-r", "python", "--memory", "205m"];
    const leaving = await sparesLeftBy(() => runCli(["run", ...flags, "-e", "print(1)"]));
    expect(leaving.spares).toHaveLength(1);
    created.push(...leaving.spares);
    const [spare = ""] = leaving.spares;
    expect(await eventually(() => containerState(spare) === "running", 10_000)).toBe(true);
    const spareId = shortId(spare);

    // Docker resolves a rename's old name before it locks the container, so a claim by renaming from the spare's
    // name let several runs have the same container; these six start together to catch that.
    const { result, spares } = await sparesLeftBy(() =>
      Promise.all(Array.from({ length: 6 }, () => runCli(["run", ...flags, "-e", HOSTNAME]))),
    );
    created.push(...spares);
    const hostnames = result.map((run) => {
      expect(run.code).toBe(0);
      return run.stdout.trim();
    });
    expect(new Set(hostnames).size).toBe(6);
    expect(hostnames.filter((hostname) => hostname === spareId)).toHaveLength(1);
    expect(spareNames()).toContain(spare);
  });
});

describe("spare sandboxes in the engine", () => {
  const docker = createDockerClient();

  async function pythonSpec(megabytes: number) {
    return containerSpec({
      image: "isol8:python",
      runtime: "python",
      limits: limitsSchema.parse({ memoryBytes: megabytes * 1024 * 1024 }),
      seccompProfile: await loadSeccompProfile(),
      networkMode: "none",
    });
  }

  it("a spare whose start never happened (its process died first) is started by the run that claims it", async () => {
    const spec = await pythonSpec(206);
    const imageId = async () => (await docker.getImage("isol8:python").inspect()).Id;
    // `launch` does nothing: the spare stays created, as when the process that left it died before the start.
    const spares = new SpareSandboxes(docker, {
      idleTimeoutMs: 60_000,
      imageId,
      launch: async () => undefined,
    });
    await spares.replenish(spec);
    const name = await spares.nameFor(spec);
    created.push(name);
    expect(containerState(name)).toBe("created");

    const sandbox = await spares.claim(spec);
    expect(sandbox).toBeDefined();
    try {
      const output: Buffer[] = [];
      const exit = await sandbox?.agent.run(
        { argv: ["python3", "-c", "print(6 * 7)"], env: [], cwd: "/sandbox" },
        { onStdout: (chunk) => output.push(chunk), onStderr: () => undefined },
      );
      expect(exit?.code).toBe(0);
      expect(Buffer.concat(output).toString()).toBe("42\n");
    } finally {
      await sandbox?.release();
    }
    expect(containerState(sandbox?.id ?? "")).toBeUndefined();
  });

  it("a spare is made for one image id: a rebuilt image gets its own, and setup removes the old one's", async () => {
    const spec = await pythonSpec(207);
    let id = (await docker.getImage("isol8:python").inspect()).Id;
    const spares = new SpareSandboxes(docker, {
      idleTimeoutMs: 60_000,
      imageId: async () => id,
      launch: (container) => docker.getContainer(container).start(),
    });
    await spares.replenish(spec);
    const name = await spares.nameFor(spec);
    created.push(name);
    // The same spec on another image (as after `isol8 setup` rebuilt it) finds no spare.
    const realId = id;
    id = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    expect(await spares.claim(spec)).toBeUndefined();
    expect(containerState(name)).toBe("running");
    // What setup does before it removes a replaced image.
    await removeSparesOf(docker, [realId]);
    expect(containerState(name)).toBeUndefined();
  });
});
