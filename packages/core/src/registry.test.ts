import { describe, expect, it } from "vitest";
import { createRuntimeRegistry } from "./registry.js";
import { defineRuntime, type RuntimeDefinition } from "./runtime.js";

function stub(name: string, extensions: string[], extra: Partial<RuntimeDefinition> = {}): RuntimeDefinition {
  return defineRuntime({
    name,
    extensions,
    inlineFileName: `main${extensions[0]}`,
    versions: {},
    dockerfile: "RUN true",
    globalInstallPath: `/sandbox/.${name}`,
    install: (packages) => ["install", ...packages],
    bake: (packages) => ["bake", ...packages],
    runFile: (file) => [name, file],
    ...extra,
  });
}

describe("createRuntimeRegistry", () => {
  it("looks runtimes up by name and by file extension", () => {
    const registry = createRuntimeRegistry([stub("lua", [".lua"]), stub("ruby", [".rb"])]);
    expect(registry.get("ruby").name).toBe("ruby");
    expect(registry.forFile("/x/script.LUA")?.name).toBe("lua");
    expect(registry.forFile("notes.txt")).toBeUndefined();
    expect(registry.list().map((runtime) => runtime.name)).toEqual(["lua", "ruby"]);
  });

  it("rejects a duplicate name, naming it", () => {
    expect(() => createRuntimeRegistry([stub("lua", [".lua"]), stub("lua", [".luau"])])).toThrow(
      'Runtime "lua" is registered twice',
    );
  });

  it("rejects two runtimes claiming one extension, naming both and the extension", () => {
    expect(() => createRuntimeRegistry([stub("bun", [".ts"]), stub("deno", [".ts"])])).toThrow(
      'Runtimes "bun" and "deno" both claim the file extension ".ts"',
    );
  });

  it("allows a runtime to run an extension it does not own", () => {
    const registry = createRuntimeRegistry([
      stub("bun", [".ts"]),
      stub("deno", [".mts"], { alsoRuns: [".ts"] }),
    ]);
    expect(registry.forFile("a.ts")?.name).toBe("bun");
  });

  it("rejects an incomplete definition with a message naming the missing field", () => {
    const { runFile: _omitted, ...incomplete } = stub("lua", [".lua"]);
    expect(() => createRuntimeRegistry([incomplete])).toThrow(/Runtime "lua" is invalid: runFile: /);
  });

  it("rejects a global-install path outside /sandbox", () => {
    expect(() => createRuntimeRegistry([stub("lua", [".lua"], { globalInstallPath: "/usr/local" })])).toThrow(
      /globalInstallPath: must be under \/sandbox/,
    );
  });

  it("names the known runtimes when asked for an unknown one", () => {
    const registry = createRuntimeRegistry([stub("lua", [".lua"])]);
    expect(() => registry.get("cobol")).toThrow('Unknown runtime "cobol"');
    try {
      registry.get("cobol");
    } catch (error) {
      expect((error as { hint: string }).hint).toContain("lua");
      expect((error as { code: string }).code).toBe("RUNTIME_UNKNOWN");
    }
  });
});
