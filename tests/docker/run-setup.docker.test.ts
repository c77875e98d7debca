import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { removeSparesOfImages } from "./helpers/containers.js";

/** `isol8 run --setup`, `setup` in the config and `isol8 build --setup`, on a real engine. */
describe("setup commands", () => {
  let dir: string;
  const TAG = "isol8-test-setup:baked";
  const run = (args: string[]) => runCli(["run", ...args], { cwd: dir });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "isol8-setup-cmd-"));
  });
  afterAll(() => {
    removeSparesOfImages([TAG]);
    execFileSync("docker", ["rmi", "-f", TAG], { stdio: "ignore" });
    rmSync(dir, { recursive: true, force: true });
  });

  it("run before the code in its sandbox and working directory, after the installs", async () => {
    const result = await run([
      ...["--install", "six", "--setup", "python3 -c 'import six' && echo prepared > ready.txt"],
      ...["-e", "print(open('ready.txt').read().strip())", "--runtime", "python", "--json"],
    ]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { stdout: string; durations: { setupMs?: number } };
    expect(json.stdout).toBe("prepared\n");
    expect(json.durations.setupMs).toBeGreaterThan(0);
  });

  it("show their output as the run's, masked like the program's, in order, from a file or a command", async () => {
    writeFileSync(join(dir, "prepare.sh"), 'echo "token is $TOKEN"\necho "to stderr" >&2\n');
    const result = await run([
      ...["--secret", "TOKEN=s3cr3t-setup-value", "--setup", "prepare.sh", "--setup", "echo second"],
      ...["-e", "echo program", "--runtime", "bash"],
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("token is ***\nsecond\nprogram\n");
    expect(result.stderr).toBe("to stderr\n");
  });

  it("stop the run at the first failure, with exit code 122 and the command named; the program does not run", async () => {
    const result = await run([
      ...["--setup", "echo cannot prepare >&2; exit 3", "--setup", "echo not reached"],
      ...["-e", "print('program ran')", "--runtime", "python"],
    ]);
    expect(result.code).toBe(122);
    expect(result.stdout).not.toContain("program ran");
    expect(result.stdout).not.toContain("not reached");
    expect(result.stderr).toContain(
      'isol8: Setup command 1 of 2 ("echo cannot prepare >&2; exit 3") exited 3; the program did not run',
    );
    expect(result.stderr).toContain("cannot prepare");
  });

  it("have the code's network policy: with none, a registry's name does not even resolve", async () => {
    const result = await run([
      ...["--setup", "getent hosts registry.npmjs.org || { echo 'no resolution' >&2; exit 7; }"],
      ...["-e", "print(1)", "--runtime", "python"],
    ]);
    expect(result.code).toBe(122);
    expect(result.stderr).toContain("no resolution");
    expect(result.stderr).toContain("exited 7");
  });

  it("run under the code's timeout: a setup that never ends is killed at the deadline (exit 124)", async () => {
    const result = await run([
      "--timeout",
      "2s",
      "--setup",
      "sleep 30",
      "-e",
      "print(1)",
      "--runtime",
      "python",
    ]);
    expect(result.code).toBe(124);
    expect(result.stdout).toBe("");
  });

  it("come from the config per runtime, before --setup ones", async () => {
    writeFileSync(join(dir, "isol8.config.json"), JSON.stringify({ setup: { bash: ["echo from-config"] } }));
    try {
      const result = await run(["--setup", "echo from-flag", "-e", "echo program", "--runtime", "bash"]);
      expect(result.stdout).toBe("from-config\nfrom-flag\nprogram\n");
      const python = await run(["-e", "print('python has none')", "--runtime", "python"]);
      expect(python.stdout).toBe("python has none\n");
    } finally {
      rmSync(join(dir, "isol8.config.json"));
    }
  });

  it("isol8 build --setup bakes a script into the image (as root, at build time), covered by its deps hash", async () => {
    const build = await runCli(
      ["build", "--runtime", "bash", "--setup", "echo baked-at-build > /etc/isol8-baked", "--tag", TAG],
      { cwd: dir },
    );
    expect(build.code, build.stderr).toBe(0);
    const result = await run(["--image", TAG, "-e", "cat /etc/isol8-baked; id -u", "--runtime", "bash"]);
    expect(result.stdout).toBe("baked-at-build\n1000\n");
    const hashOf = () =>
      execFileSync(
        "docker",
        ["image", "inspect", TAG, "--format", '{{index .Config.Labels "org.isol8.deps.hash"}}'],
        {
          encoding: "utf8",
        },
      ).trim();
    const first = hashOf();
    const again = await runCli(
      ["build", "--runtime", "bash", "--setup", "echo other > /etc/isol8-baked", "--tag", TAG],
      { cwd: dir },
    );
    expect(again.stdout).toMatch(/rebuilt/);
    expect(hashOf()).not.toBe(first);
  });

  it("isol8 build with nothing to bake is refused before anything is built", async () => {
    const result = await runCli(["build", "--runtime", "bash", "--tag", "isol8-test-setup:nothing"], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("isol8 build needs something to bake");
  });
});
