import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  createRuntimeRegistry,
  type Isol8Error,
  loadRuntimePlugins,
  type RuntimeDefinition,
  validatePackageName,
} from "@isol8/core";
import bash from "@isol8/runtime-bash";
import bun from "@isol8/runtime-bun";
import deno from "@isol8/runtime-deno";
import node from "@isol8/runtime-node";
import python from "@isol8/runtime-python";
import { describe, expect, it } from "vitest";

const path = (relative: string) => fileURLToPath(new URL(`../../${relative}`, import.meta.url));
const doc = readFileSync(path("docs/runtimes.md"), "utf8");
const fixtureDir = path("tests/fixtures/runtimes/lua");
const fixtureSource = readFileSync(`${fixtureDir}/lua-runtime.mjs`, "utf8");
const builtIns = [python(), node(), bun(), deno(), bash()];

function blocks(language: string): string[] {
  return [...doc.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, "g"))].map(
    (match) => match[1] ?? "",
  );
}

/** What the CLI prints for an error (report-error.ts), with the machine's paths replaced by the doc's. */
function printed(error: unknown, baseDir: string): string {
  const { message, hint } = error as Isol8Error;
  const text = `isol8: ${message}\n${hint ? `  ${hint}\n` : ""}`;
  return text.replaceAll(baseDir, "/home/me/project");
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

async function loadLua(): Promise<RuntimeDefinition> {
  const [lua] = await loadRuntimePlugins(["./lua-runtime.mjs"], { baseDir: fixtureDir });
  if (!lua) throw new Error("the fixture did not load");
  return lua;
}

describe("docs/runtimes.md", () => {
  it("shows the Lua plugin exactly as the Docker tests run it", () => {
    expect(blocks("js")).toEqual([fixtureSource]);
  });

  it("lists each built-in runtime's extensions as its plugin declares them", () => {
    for (const runtime of builtIns) {
      const row = doc.split("\n").find((line) => line.startsWith(`| \`${runtime.name}\``));
      const cells = (row ?? "").split("|").map((cell) => cell.match(/\.[a-z]+/g) ?? []);
      expect(cells[2], runtime.name).toEqual(runtime.extensions);
      expect(cells[3], runtime.name).toEqual(runtime.alsoRuns ?? []);
      expect(row, runtime.name).toContain(`\`${runtime.inlineFileName}\``);
    }
  });

  it("names every built-in runtime's pinned versions and install path", () => {
    for (const runtime of builtIns) {
      for (const version of Object.values(runtime.versions)) expect(doc, runtime.name).toContain(version);
      expect(doc, runtime.name).toContain(runtime.globalInstallPath);
    }
  });

  it("shows the errors isol8 really prints for broken plugins", async () => {
    const text = blocks("text");
    const lua = await loadLua();
    const home = "/home/me/project";
    const failures: unknown[] = [
      await loadRuntimePlugins(["./nope.mjs"], { baseDir: home }).catch((error: unknown) => error),
      await loadRuntimePlugins(["isol8-runtime-nope"], { baseDir: home }).catch((error: unknown) => error),
    ];
    for (const error of failures) expect(text).toContain(printed(error, home));

    const factoryThrew = await loadRuntimePlugins(
      [{ module: "./lua-runtime.mjs", options: { version: "6.0" } }],
      {
        baseDir: fixtureDir,
      },
    ).catch((error: unknown) => error);
    expect(text).toContain(printed(factoryThrew, fixtureDir));

    const invalid = [
      { ...lua, name: "Lua", runFile: undefined },
      { ...lua, globalInstallPath: "/opt/lua" },
      { ...lua, extensions: [".lua", ".py"] },
      { ...lua, name: "python" },
    ];
    for (const definition of invalid) {
      expect(text).toContain(
        printed(
          thrown(() => createRuntimeRegistry([python(), definition])),
          fixtureDir,
        ),
      );
    }
    expect(text).toContain(
      printed(
        thrown(() => validatePackageName(lua, "Lua_CJSON")),
        fixtureDir,
      ),
    );
  });
});
