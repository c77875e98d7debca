import { fileURLToPath } from "node:url";
import { createRuntimeRegistry, loadRuntimePlugins, type RuntimeRegistry } from "@isol8/core";
import bash from "@isol8/runtime-bash";
import bun from "@isol8/runtime-bun";
import deno from "@isol8/runtime-deno";
import node from "@isol8/runtime-node";
import python from "@isol8/runtime-python";
import { beforeAll, describe, expect, it } from "vitest";
import { type HintInput, hintsFor, installPairingHints, SLOW_INSTALL_MS } from "./hints.js";

const luaDir = fileURLToPath(new URL("../../../../tests/fixtures/runtimes/lua", import.meta.url));
let runtimes: RuntimeRegistry;
beforeAll(async () => {
  const thirdParty = await loadRuntimePlugins(["./lua-runtime.mjs"], { baseDir: luaDir });
  runtimes = createRuntimeRegistry([python(), node(), bun(), deno(), bash(), ...thirdParty]);
});

const run = (overrides: Partial<HintInput>): HintInput => ({
  runtime: "python",
  exitCode: 1,
  stderr: "",
  installMs: 0,
  installed: [],
  packages: [],
  listed: {},
  ...overrides,
});

const pairing = (name: string, owners: string, runtime: string, kind: string, first = owners.split(" ")[0]) =>
  `"${name}" is a package for ${owners}, not for ${runtime}: verify the runtime/package pairing — run the code ` +
  `with --runtime ${first}, or install ${runtime}'s own ${kind} with --install`;

describe("hintsFor: a module that belongs to another runtime", () => {
  it.each([
    ["python", "ModuleNotFoundError: No module named 'leftpad'", "leftpad"],
    [
      "node",
      "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'numpy' imported from /sandbox/main.js",
      "numpy",
    ],
    ["node", "Error: Cannot find module 'numpy'\nRequire stack:", "numpy"],
    ["bun", "error: Cannot find package 'numpy' from '/sandbox/[eval]'", "numpy"],
    ["deno", 'error: Import "numpy" not a dependency', "numpy"],
    ["deno", 'error: Failed loading https://registry.npmjs.org/numpy for package "numpy"', "numpy"],
    ["bash", "bash: line 1: numpy: command not found", "numpy"],
    ["lua", "lua5.4: main.lua:1: module 'numpy' not found:", "numpy"],
  ])("%s: %s", (runtime, stderr, module) => {
    const listed: Record<string, string[]> =
      module === "numpy" ? { python: ["numpy==2.1"] } : { node: ["leftpad@1"] };
    const [hint] = hintsFor(run({ runtime, stderr, listed }), runtimes);
    expect(hint).toContain(`"${module}" is a package for`);
    expect(hint).toContain("verify the runtime/package pairing");
  });

  it("knows a registry's well-known packages without any config (the dependency page's lodash case)", () => {
    const hints = hintsFor(run({ stderr: "ModuleNotFoundError: No module named 'lodash'" }), runtimes);
    expect(hints).toEqual([pairing("lodash", "node and bun", "python", "PyPI packages")]);
  });

  it("compares names as the listing runtime spells them (a Debian lua-* module by its module name)", () => {
    const hints = hintsFor(
      run({
        runtime: "python",
        stderr: "ModuleNotFoundError: No module named 'cjson'",
        listed: { lua: ["lua-cjson=2.1"] },
      }),
      runtimes,
    );
    expect(hints).toEqual([pairing("cjson", "lua", "python", "PyPI packages")]);
  });

  it("names every runtime that lists the package", () => {
    const stderr = "ModuleNotFoundError: No module named 'leftpad'";
    const hints = hintsFor(run({ stderr, listed: { node: ["leftpad"], deno: ["npm:leftpad@1"] } }), runtimes);
    expect(hints).toEqual([pairing("leftpad", "node and deno", "python", "PyPI packages")]);
  });

  it("stays quiet when no runtime lists or knows the module", () => {
    const stderr = "ModuleNotFoundError: No module named 'leftpad'";
    expect(hintsFor(run({ stderr, listed: { node: ["chalk"] } }), runtimes)).toEqual([]);
  });

  it("stays quiet when this runtime lists the package too (a genuinely broken install, not a pairing)", () => {
    const stderr = "ModuleNotFoundError: No module named 'six'";
    expect(hintsFor(run({ stderr, listed: { python: ["six"], node: ["six"] } }), runtimes)).toEqual([]);
  });

  it("stays quiet for the runtime's own well-known packages", () => {
    const stderr = "Error: Cannot find module 'lodash'";
    expect(hintsFor(run({ runtime: "node", stderr }), runtimes)).toEqual([]);
  });

  it("stays quiet when the program succeeded, whatever it printed", () => {
    const stderr = "ModuleNotFoundError: No module named 'lodash'";
    expect(hintsFor(run({ exitCode: 0, stderr }), runtimes)).toEqual([]);
  });

  it("ignores relative imports", () => {
    const stderr = "Error: Cannot find module './numpy'";
    expect(hintsFor(run({ runtime: "node", stderr }), runtimes)).toEqual([]);
  });
});

describe("installPairingHints", () => {
  it("names each package of a failed install that belongs to another runtime", () => {
    const hints = installPairingHints(
      { runtime: "python", packages: ["lodash", "six"], listed: {} },
      runtimes,
    );
    expect(hints).toEqual([pairing("lodash", "node and bun", "python", "PyPI packages")]);
  });

  it("uses what the config lists for the other runtimes", () => {
    const listed = { bash: ["jq"], python: ["numpy"] };
    const hints = installPairingHints({ runtime: "node", packages: ["numpy", "jq"], listed }, runtimes);
    expect(hints).toEqual([
      pairing("numpy", "python", "node", "npm packages"),
      pairing("jq", "bash", "node", "npm packages"),
    ]);
  });
});

describe("hintsFor: a slow install", () => {
  it("suggests baking every package of the run once the install passed the threshold", () => {
    const hints = hintsFor(
      run({
        exitCode: 0,
        installMs: SLOW_INSTALL_MS + 2_400,
        installed: ["pandas"],
        packages: ["numpy", "pandas", "numpy"],
      }),
      runtimes,
    );
    expect(hints).toEqual([
      "installing pandas took 12 s: bake the packages into an image once with " +
        "`isol8 setup --python numpy,pandas` and later runs install nothing",
    ]);
  });

  it("quotes package specs that a shell would interpret", () => {
    const hints = hintsFor(
      run({ exitCode: 0, installMs: 30_000, installed: ["numpy>=2"], packages: ["numpy>=2"] }),
      runtimes,
    );
    expect(hints[0]).toContain("`isol8 setup --python 'numpy>=2'`");
  });

  it("stays quiet below the threshold or when nothing was installed", () => {
    expect(hintsFor(run({ installMs: SLOW_INSTALL_MS, installed: ["numpy"] }), runtimes)).toEqual([]);
    expect(hintsFor(run({ installMs: 60_000, installed: [] }), runtimes)).toEqual([]);
  });

  it("gives both hints when both apply", () => {
    const hints = hintsFor(
      run({
        stderr: "ModuleNotFoundError: No module named 'lodash'",
        installMs: 20_000,
        installed: ["numpy"],
        packages: ["numpy"],
      }),
      runtimes,
    );
    expect(hints).toHaveLength(2);
  });
});

describe("hintsFor: names as each runtime spells them", () => {
  it("matches Python's left_pad to npm's left-pad (PyPI folding) and npm's names as npm writes them", () => {
    const stderr = "ModuleNotFoundError: No module named 'left_pad'";
    const hints = hintsFor(run({ stderr, listed: { node: ["left-pad@1"] } }), runtimes);
    expect(hints).toEqual([pairing("left_pad", "node", "python", "PyPI packages")]);
  });
});
