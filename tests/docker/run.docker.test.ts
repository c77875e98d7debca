import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, runCli } from "./helpers/cli.js";
import { isol8Containers, waitForNoContainers } from "./helpers/containers.js";

const fixture = (name: string) => join(repoRoot, "tests/docker/fixtures/hello", name);

describe("isol8 run: hello world in every runtime", () => {
  it.each([
    ["hello.py", [], "hello from python"],
    ["hello.mjs", [], "hello from node mjs"],
    ["hello.cjs", [], "hello from node cjs function"],
    ["hello.js", [], "hello from node js (esm)"],
    ["hello.ts", [], "hello from bun"],
    ["hello.mts", [], "hello from deno mts object"],
    ["hello.ts", ["--runtime", "deno"], "hello from bun"],
    ["hello.sh", [], "hello from bash"],
  ])("%s %j", async (file, extra, expected) => {
    const result = await runCli(["run", fixture(file), ...extra]);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe(
      expected === "hello from bun" && extra.length ? "hello from bun" : expected,
    );
    expect(result.code).toBe(0);
  });

  it("runs inline code with -e and code from stdin", async () => {
    const inline = await runCli(["run", "-e", "print('inline')", "--runtime", "python"]);
    expect(inline.stdout).toBe("inline\n");
    const piped = await runCli(["run", "--runtime", "python"], { input: "print('piped')\n" });
    expect(piped.stdout).toBe("piped\n");
  });
});

describe("isol8 run: honest results", () => {
  it("passes the program's exit code through", async () => {
    const result = await runCli(["run", "-e", "import sys; sys.exit(42)", "--runtime", "python"]);
    expect(result.code).toBe(42);
  });

  it("keeps stderr apart from stdout", async () => {
    const code = "import sys; print('to out'); print('to err', file=sys.stderr)";
    const result = await runCli(["run", "-e", code, "--runtime", "python"]);
    expect(result.stdout).toBe("to out\n");
    expect(result.stderr).toBe("to err\n");
  });

  it("feeds --stdin to the program and sets --env", async () => {
    const code = "import os, sys; print(sys.stdin.read().upper(), os.environ['GREETING'])";
    const result = await runCli([
      "run",
      "-e",
      code,
      "-r",
      "python",
      "--stdin",
      "abc",
      "--env",
      "GREETING=hi",
    ]);
    expect(result.stdout).toBe("ABC hi\n");
  });

  it("masks --secret values in stdout and stderr", async () => {
    const code = "import os, sys; v = os.environ['TOKEN']; print('out', v); print('err', v, file=sys.stderr)";
    const result = await runCli(["run", "-e", code, "-r", "python", "--secret", "TOKEN=sup3r-s3cret"]);
    expect(result.stdout).toBe("out ***\n");
    expect(result.stderr).toBe("err ***\n");
  });

  it("prints one JSON result with --json", async () => {
    const code = "import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)";
    const result = await runCli(["run", "-e", code, "-r", "python", "--json"]);
    expect(result.code).toBe(3);
    const parsed = JSON.parse(result.stdout);
    expect(parsed).toMatchObject({
      exitCode: 3,
      stdout: "out\n",
      stderr: "err\n",
      truncated: false,
      timedOut: false,
      oomKilled: false,
      image: "isol8:python",
      installed: [],
    });
    expect(parsed.durations.totalMs).toBeGreaterThan(0);
    expect(parsed.durations.runMs).toBeGreaterThan(0);
  });

  it("writes stdout to --out", async () => {
    const { mkdtempSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const out = join(mkdtempSync(join(tmpdir(), "isol8-out-")), "out.txt");
    const result = await runCli(["run", "-e", "print('saved')", "-r", "python", "--out", out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(readFileSync(out, "utf8")).toBe("saved\n");
  });
});

describe("isol8 run: bad input is refused before any container exists", () => {
  it.each([
    [["run", "-e", "1", "--runtime", "cobol"], /Unknown runtime "cobol"/],
    [["run", "/nonexistent/file.py"], /Cannot read \/nonexistent\/file.py/],
    [["run", fixture("hello.py"), "-e", "print(1)"], /either a file or -e CODE, not both/],
    [["run", "-e", "1", "-r", "python", "--workdir", "/etc"], /Workdir "\/etc" is outside \/sandbox/],
    [["run", "-e", "1", "-r", "python", "--memory", "12parsecs"], /--memory "12parsecs" is not valid/],
    [["run", "-e", "1", "-r", "python", "--install=--index-url=http://x"], /not a valid python package name/],
  ])("%j", async (args, message) => {
    // Containers of earlier tests may still be removing themselves: what counts is that none is new.
    const before = isol8Containers();
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split("\n")[0]).toMatch(/^isol8: /);
    expect(result.stdout).toBe("");
    expect(isol8Containers().filter((id) => !before.includes(id))).toEqual([]);
  });
});

afterAll(async () => {
  expect(await waitForNoContainers()).toEqual([]);
});
