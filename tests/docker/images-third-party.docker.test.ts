import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, runBuiltCli, runCli } from "./helpers/cli.js";
import { removeSparesOfImages } from "./helpers/containers.js";
import { imageId } from "./helpers/private-repository.js";

const fixture = join(repoRoot, "tests/fixtures/runtimes/lua");

/** The refusal docs/runtimes.md shows, which this file checks against the CLI's real output. */
function documentedRefusal(): string {
  const doc = readFileSync(join(repoRoot, "docs/runtimes.md"), "utf8");
  const block = [...doc.matchAll(/```text\n([\s\S]*?)```/g)].find((match) => match[1]?.includes("lua-cjson"));
  if (!block?.[1]) throw new Error("docs/runtimes.md no longer shows the refused lua install");
  return block[1];
}

/** isol8's lua images on the real repository: isol8:lua and its custom images, which this file creates. */
function luaImages(): string[] {
  return execFileSync("docker", ["images", "--format", "{{.Repository}}:{{.Tag}}", "isol8"])
    .toString()
    .split("\n")
    .filter((tag) => tag === "isol8:lua" || tag.startsWith("isol8:lua-custom-"));
}

describe("a third-party runtime named in isol8.config.json (tests/fixtures/runtimes/lua)", () => {
  let project: string;
  let baseBefore: string | undefined;
  const writeConfig = (config: object) =>
    writeFileSync(join(project, "isol8.config.json"), `${JSON.stringify(config, null, 2)}\n`);

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), "isol8-lua-"));
    for (const file of ["lua-runtime.mjs", "hello.lua", "json.lua"]) {
      copyFileSync(join(fixture, file), join(project, file));
    }
    writeConfig({ runtimes: ["./lua-runtime.mjs"] });
    baseBefore = imageId("isol8:base");
  });

  afterAll(() => {
    const tags = luaImages();
    removeSparesOfImages(tags);
    if (tags.length > 0) execFileSync("docker", ["rmi", ...tags.reverse()], { stdio: "ignore" });
    rmSync(project, { recursive: true, force: true });
  });

  it("runs a .lua file, building isol8:lua from isol8:base", async () => {
    const result = await runCli(["run", "hello.lua"], { cwd: project });
    expect(result).toMatchObject({ stdout: "hello from Lua 5.4\n", code: 0 });
    expect(imageId("isol8:lua")).toBeDefined();
    // The plugin added an image; it did not disturb the one every runtime builds on.
    expect(imageId("isol8:base")).toBe(baseBefore);
  });

  it("runs inline code with --runtime lua", async () => {
    const result = await runCli(["run", "-e", "print(6 * 7)", "--runtime", "lua"], { cwd: project });
    expect(result).toMatchObject({ stdout: "42\n", stderr: "", code: 0 });
  });

  it("refuses run-time installs with the plugin's own explanation", async () => {
    const result = await runCli(["run", "json.lua", "--install", "lua-cjson"], { cwd: project });
    expect(result.code).toBe(123);
    expect(result.stderr).toContain("Installing lua-cjson for lua failed");
    expect(result.stderr).toContain("lua: packages cannot be installed at run time");
    expect(result.stderr).toContain(documentedRefusal());
  });

  it("bakes the config's lua dependencies with setup, and a run that asks for them uses that image", async () => {
    writeConfig({ runtimes: ["./lua-runtime.mjs"], dependencies: { lua: ["lua-cjson"] } });
    const setup = await runCli(["setup", "--runtime", "lua", "--json"], { cwd: project });
    expect(setup.code).toBe(0);
    const reports = JSON.parse(setup.stdout) as { tag: string; kind: string; status: string }[];
    expect(reports.map((report) => [report.kind, report.status])).toEqual([
      ["base", "up-to-date"],
      ["proxy", "up-to-date"],
      ["runtime", "up-to-date"],
      ["custom", "built"],
    ]);
    expect(reports[3]?.tag).toMatch(/^isol8:lua-custom-[0-9a-f]{12}$/);

    const result = await runCli(["run", "json.lua", "--install", "lua-cjson"], { cwd: project });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe('["hello","from","lua-cjson"]\n');
    expect(result.code).toBe(0);
  });

  it("runs from the built CLI too (the bundle imports the plugin through bin.cjs's loader), twice", async () => {
    // The second run loads the bundle from its code cache: the path on which a vm script's import() used to fail.
    for (const attempt of [1, 2]) {
      const result = await runBuiltCli(["run", "-e", "print(6 * 7)", "--runtime", "lua"], { cwd: project });
      expect(result.stderr, `attempt ${attempt}`).toBe("");
      expect(result.stdout).toBe("42\n");
    }
  });

  it("is offered by `isol8 setup --help` in the plugin's words, and `setup` refuses a misspelt runtime option", async () => {
    const help = await runBuiltCli(["setup", "--help"], { cwd: project });
    expect(help.stdout).toMatch(/--lua\s+Debian lua-\* modules to bake for lua, comma-separated/);
    expect(help.stdout).toMatch(/--python\s+PyPI packages to bake for python/);
    const typo = await runBuiltCli(["setup", "--lau", "lua-cjson"], { cwd: project });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("Unknown argument: lau");
  });

  it("gets the pairing hint from its plugin's missingModule when the code asks for another runtime's package", async () => {
    const result = await runCli(["run", "-e", 'require("numpy")', "--runtime", "lua"], { cwd: project });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      '[isol8] hint: "numpy" is a package for python, not for lua: verify the runtime/package pairing',
    );
  });

  it("rejects a name apt would not accept before building anything", async () => {
    const result = await runCli(["run", "hello.lua", "--install", "Lua_CJSON"], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"Lua_CJSON" is not a valid lua package name');
  });
});
