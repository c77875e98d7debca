import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { Isol8Error } from "../errors.js";
import { createRuntimeRegistry } from "../registry.js";
import { defineRuntime } from "../runtime.js";
import { loadRuntimePlugins } from "./load-runtimes.js";

const here = dirname(fileURLToPath(import.meta.url));

const builtin = defineRuntime({
  name: "python",
  extensions: [".py"],
  inlineFileName: "main.py",
  versions: { python: "3.11" },
  dockerfile: "RUN true",
  globalInstallPath: "/sandbox/.local",
  install: (packages) => ["pip", "install", "--", ...packages],
  bake: (packages) => ["pip", "install", "--", ...packages],
  runFile: (file) => ["python3", file],
});

const created: string[] = [];
afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "isol8-plugins-"));
  created.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

async function rejection(promise: Promise<unknown>): Promise<Isol8Error> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (error instanceof Isol8Error) return error;
  throw new Error(`expected an Isol8Error, got ${String(error)}`);
}

describe("loadRuntimePlugins", () => {
  it("calls a relative module's factory with its options, and the registry accepts the result", async () => {
    const [lua] = await loadRuntimePlugins(
      [{ module: "./fixtures/lua-runtime.mjs", options: { version: "5.3" } }],
      {
        baseDir: here,
      },
    );
    const registry = createRuntimeRegistry([builtin, lua]);
    expect(registry.list().map((runtime) => runtime.name)).toEqual(["python", "lua"]);
    expect(registry.forFile("hello.lua")?.runFile("/sandbox/hello.lua")).toEqual([
      "lua5.3",
      "/sandbox/hello.lua",
    ]);
    expect(registry.get("lua").versions).toEqual({ lua: "5.3" });
  });

  it("calls a factory without options when the spec is a plain string", async () => {
    const [lua] = await loadRuntimePlugins(["./fixtures/lua-runtime.mjs"], { baseDir: here });
    expect(lua?.versions).toEqual({ lua: "5.4" });
  });

  it("takes a definition object from a named `runtime` export", async () => {
    const baseDir = project({
      "plugins/tcl.mjs": `export const runtime = { name: "tcl", extensions: [".tcl"] };`,
    });
    expect(await loadRuntimePlugins(["./plugins/tcl.mjs"], { baseDir })).toEqual([
      { name: "tcl", extensions: [".tcl"] },
    ]);
  });

  it("finds packages in the project's node_modules, through import-only exports or main", async () => {
    const baseDir = project({
      "node_modules/@acme/isol8-runtime-ruby/package.json": JSON.stringify({
        name: "@acme/isol8-runtime-ruby",
        type: "module",
        exports: { ".": { types: "./index.d.ts", import: "./esm/index.js" } },
      }),
      "node_modules/@acme/isol8-runtime-ruby/esm/index.js": `export default (options) => ({ name: "ruby", options });`,
      "node_modules/isol8-runtime-tcl/package.json": JSON.stringify({
        name: "isol8-runtime-tcl",
        main: "lib.mjs",
      }),
      "node_modules/isol8-runtime-tcl/lib.mjs": `export const runtime = { name: "tcl" };`,
      "config/isol8.config.json": "{}",
    });
    const loaded = await loadRuntimePlugins(
      [{ module: "@acme/isol8-runtime-ruby", options: { a: 1 } }, "isol8-runtime-tcl"],
      { baseDir: join(baseDir, "config") },
    );
    expect(loaded).toEqual([{ name: "ruby", options: { a: 1 } }, { name: "tcl" }]);
  });

  it("names a missing module, and the first failure wins", async () => {
    const error = await rejection(loadRuntimePlugins(["./plugins/ruby.mjs", "nope"], { baseDir: here }));
    expect(error.code).toBe("RUNTIME_LOAD_FAILED");
    expect(error.message).toContain('"./plugins/ruby.mjs"');
    expect(error.message).toContain(join(here, "plugins", "ruby.mjs"));
    expect(error.hint).toContain(here);
  });

  it("names a package that is not installed", async () => {
    const baseDir = project({});
    const error = await rejection(loadRuntimePlugins(["isol8-runtime-missing"], { baseDir }));
    expect(error.code).toBe("RUNTIME_LOAD_FAILED");
    expect(error.message).toContain('"isol8-runtime-missing"');
    expect(error.hint).toContain("npm install isol8-runtime-missing");
  });

  it("reports a module without a usable export and a factory that throws", async () => {
    const baseDir = project({
      "empty.mjs": "export const other = 1;",
      "broken.mjs": `export default () => { throw new Error("no lua here"); };`,
      "object.mjs": `export default { name: "x" };`,
    });
    expect((await rejection(loadRuntimePlugins(["./empty.mjs"], { baseDir }))).message).toContain(
      "default export",
    );
    expect((await rejection(loadRuntimePlugins(["./broken.mjs"], { baseDir }))).message).toContain(
      "no lua here",
    );
    const withOptions = await rejection(
      loadRuntimePlugins([{ module: "./object.mjs", options: {} }], { baseDir }),
    );
    expect(withOptions.message).toContain("takes no options");
  });
});
