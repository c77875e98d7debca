import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runBuiltCli } from "./helpers/cli.js";
import { isol8Containers } from "./helpers/containers.js";

const builtBin = fileURLToPath(new URL("../../packages/cli/dist/bin.cjs", import.meta.url));

/**
 * `isol8 serve`, `isol8 keys` and `isol8 run --host`, as an operator and a user type them, from the built CLI: a run
 * through the server prints what the same run prints locally, with the same exit code.
 */
describe("isol8 serve with isol8 keys and run --host", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let serve: ChildProcess;
  let url: string;
  let key: string;
  let serveLog = "";
  const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
    runBuiltCli(args, { cwd: dir, env: { ...env, ...extraEnv } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "isol8-serve-"));
    env = { XDG_STATE_HOME: join(dir, "state"), ISOL8_API_KEY: "" };
    const admin = (await cli(["keys", "generate"])).stdout.trim();
    expect(admin).toMatch(/^isol8_[A-Za-z0-9_-]{43}$/);
    const created = await cli(["keys", "create", "--name", "ci", "--tenant", "acme", "--expires", "1d"]);
    expect(created.code, created.stderr).toBe(0);
    key = created.stdout.trim();
    expect(key).toMatch(/^isol8_/);
    expect(created.stderr).toContain("shown this once");

    serve = spawn(process.execPath, [builtBin, "serve", "--port", "0", "--drain", "5s"], {
      cwd: dir,
      env: { ...process.env, ...env, ISOL8_ADMIN_KEY: admin },
      stdio: ["ignore", "ignore", "pipe"],
    });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${serveLog}`)), 60_000);
      serve.stderr?.on("data", (chunk: Buffer) => {
        serveLog += chunk.toString();
        const match = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(serveLog);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      serve.once("exit", (code) => reject(new Error(`serve exited ${code}: ${serveLog}`)));
    });
  }, 120_000);

  afterAll(() => {
    if (serve && serve.exitCode === null) serve.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ["prints the program's output", ["-e", "print('hello over http')", "-r", "python"]],
    [
      "passes the program's exit code",
      ["-e", "import sys; print('err', file=sys.stderr); sys.exit(42)", "-r", "python"],
    ],
    [
      "says when the timeout killed the program (exit 124)",
      ["-e", "while True: pass", "-r", "python", "--timeout", "1s"],
    ],
    ["runs bash and stdin", ["-r", "bash", "-e", 'read line; echo "got $line"', "--stdin", "42"]],
  ])("%s exactly as a local run does", async (_, args) => {
    const local = await cli(["run", ...args]);
    const remote = await cli(["run", "--host", url, "--key", key, ...args]);
    expect(remote.stdout).toBe(local.stdout);
    expect(remote.code).toBe(local.code);
    expect(remote.stderr.replace(/\[isol8\][^\n]*\n/g, "")).toBe(
      local.stderr.replace(/\[isol8\][^\n]*\n/g, ""),
    );
  });

  it("reports an engine's failure as a local run does: a failed install exits 123 with the package manager's words", async () => {
    const args = ["-e", "print(1)", "-r", "python", "--install", "isol8-surely-missing-pkg-zzz"];
    const local = await cli(["run", ...args]);
    const remote = await cli(["run", "--host", url, "--key", key, ...args]);
    expect(local.code).toBe(123);
    expect(remote.code).toBe(123);
    // Named after the server it came from, the rest as the engine said it.
    expect(remote.stderr).toContain(
      `isol8: isol8 server ${url}: Installing isol8-surely-missing-pkg-zzz for python failed`,
    );
  });

  it("keeps a --session's files between runs on the server, takes the key from ISOL8_API_KEY, and moves files", async () => {
    const first = await cli(
      ["run", "--host", url, "--session", "notes", "-r", "python", "-e", "open('n.txt','w').write('kept')"],
      {
        ISOL8_API_KEY: key,
      },
    );
    expect(first.code, first.stderr).toBe(0);
    const second = await cli(
      ["run", "--host", url, "--session", "notes", "-r", "python", "-e", "print(open('n.txt').read())"],
      {
        ISOL8_API_KEY: key,
      },
    );
    expect(second.stdout).toBe("kept\n");
    writeFileSync(join(dir, "in.txt"), "uploaded");
    const files = await cli(
      [
        "run",
        "--host",
        url,
        "--key",
        key,
        "-r",
        "python",
        "-e",
        "open('out.txt','w').write(open('in.txt').read().upper())",
      ].concat(["--files", dir, "--download", "out.txt", "--download-dir", join(dir, "down")]),
    );
    expect(files.code, files.stderr).toBe(0);
    expect(readFileSync(join(dir, "down", "out.txt"), "utf8")).toBe("UPLOADED");
  });

  it("refuses without a key, with a wrong key and with a revoked key, naming the server", async () => {
    const none = await cli(["run", "--host", url, "-e", "print(1)", "-r", "python"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`--host ${url} needs an API key`);
    const wrong = await cli([
      "run",
      "--host",
      url,
      "--key",
      `isol8_${"A".repeat(43)}`,
      "-e",
      "print(1)",
      "-r",
      "python",
    ]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(url);

    const list = await cli(["keys", "list", "--json"]);
    const [record] = JSON.parse(list.stdout) as { id: string; tenant: string }[];
    expect(record?.tenant).toBe("acme");
    const revoked = await cli(["keys", "revoke", record?.id ?? ""]);
    expect(revoked.code).toBe(0);
    const after = await cli(["run", "--host", url, "--key", key, "-e", "print(1)", "-r", "python"]);
    expect(after.code).toBe(2);
    expect((await cli(["keys", "revoke", "key_nope"])).code).toBe(2);
  });

  it("drains on SIGTERM: exits 0, leaves no sandbox (the session's included) and keeps every image", async () => {
    serve.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => serve.once("exit", resolve));
    expect(code, serveLog).toBe(0);
    expect(serveLog).toContain("stopped; every sandbox this server made is removed");
    expect(isol8Containers()).toEqual([]);
    // A restart must find its images: shutting down never removes one.
    expect(() =>
      execFileSync("docker", ["image", "inspect", "isol8:python"], { stdio: "ignore" }),
    ).not.toThrow();
  });
});
