import { describe, expect, it } from "vitest";
import { type HintInput, hintsFor, packageName, SLOW_INSTALL_MS } from "./hints.js";

const run = (overrides: Partial<HintInput>): HintInput => ({
  runtime: "python",
  exitCode: 1,
  stderr: "",
  installMs: 0,
  installed: [],
  packages: {},
  ...overrides,
});

describe("packageName", () => {
  it.each([
    ["numpy", "numpy"],
    ["numpy==2.1.0", "numpy"],
    ["requests[socks]>=2", "requests"],
    ["typing_extensions", "typing-extensions"],
    ["Typing.Extensions~=4.0", "typing-extensions"],
    ["lodash@4", "lodash"],
    ["lodash/fp", "lodash"],
    ["@scope/pkg@^1", "@scope/pkg"],
    ["@scope/pkg/sub", "@scope/pkg"],
    ["npm:is-odd@3", "is-odd"],
    ["npm:@scope/pkg@1/sub", "@scope/pkg"],
    ["jsr:@std/path@1", "@std/path"],
    ["jq=1.6-2.1", "jq"],
    ["socket.io", "socket-io"],
  ])("%s → %s", (spec, name) => {
    expect(packageName(spec)).toBe(name);
  });
});

describe("hintsFor: a module that belongs to another runtime", () => {
  it.each([
    ["python", "ModuleNotFoundError: No module named 'lodash'", "lodash"],
    ["python", "ModuleNotFoundError: No module named 'lodash.fp'", "lodash"],
    [
      "node",
      "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'numpy' imported from /sandbox/main.mjs",
      "numpy",
    ],
    ["node", "Error: Cannot find module 'numpy'\nRequire stack:", "numpy"],
    ["bun", "error: Cannot find package 'numpy' from '/sandbox/[eval]'", "numpy"],
    ["deno", 'error: Import "numpy" not a dependency', "numpy"],
    ["deno", 'error: Failed loading https://registry.npmjs.org/numpy for package "numpy"', "numpy"],
    ["bash", "bash: line 1: numpy: command not found", "numpy"],
  ])("%s: %s", (runtime, stderr, module) => {
    const other = runtime === "python" ? "node" : "python";
    const packages = { [other]: [other === "node" ? "lodash@4" : "numpy==2.1"], [runtime]: [] };
    const hints = hintsFor(run({ runtime, stderr, packages }));
    expect(hints).toEqual([
      `"${module}" is a package for ${other}, not for ${runtime}: run the code with --runtime ${other}, ` +
        `or install ${runtime}'s own package with --install`,
    ]);
  });

  it("names every runtime that lists the package", () => {
    const hints = hintsFor(
      run({
        runtime: "python",
        stderr: "ModuleNotFoundError: No module named 'zod'",
        packages: { node: ["zod"], bun: ["zod@3"], deno: ["npm:zod"] },
      }),
    );
    expect(hints[0]).toMatch(
      /^"zod" is a package for node and bun and deno, not for python: .*--runtime node/,
    );
  });

  it("stays quiet when the module is not listed for another runtime", () => {
    const stderr = "ModuleNotFoundError: No module named 'requests'";
    expect(hintsFor(run({ stderr, packages: { node: ["lodash"] } }))).toEqual([]);
  });

  it("stays quiet when this runtime lists the package too (a genuinely broken install, not a pairing)", () => {
    const stderr = "ModuleNotFoundError: No module named 'six'";
    expect(hintsFor(run({ stderr, packages: { python: ["six"], node: ["six"] } }))).toEqual([]);
  });

  it("stays quiet when the program succeeded, whatever it printed", () => {
    const stderr = "ModuleNotFoundError: No module named 'lodash'";
    expect(hintsFor(run({ exitCode: 0, stderr, packages: { node: ["lodash"] } }))).toEqual([]);
  });

  it("ignores relative imports", () => {
    const stderr = "Error: Cannot find module './lodash'";
    expect(hintsFor(run({ runtime: "node", stderr, packages: { python: ["lodash"] } }))).toEqual([]);
  });
});

describe("hintsFor: a slow install", () => {
  it("suggests baking every package of the run once the install passed the threshold", () => {
    const hints = hintsFor(
      run({
        exitCode: 0,
        installMs: SLOW_INSTALL_MS + 2_400,
        installed: ["pandas"],
        packages: { python: ["numpy", "pandas", "numpy"] },
      }),
    );
    expect(hints).toEqual([
      "installing pandas took 12 s: bake the packages into an image once with " +
        "`isol8 setup --python numpy,pandas` and later runs install nothing",
    ]);
  });

  it("quotes package specs that a shell would interpret", () => {
    const hints = hintsFor(
      run({ exitCode: 0, installMs: 30_000, installed: ["numpy>=2"], packages: { python: ["numpy>=2"] } }),
    );
    expect(hints[0]).toContain("`isol8 setup --python 'numpy>=2'`");
  });

  it("stays quiet below the threshold or when nothing was installed", () => {
    expect(hintsFor(run({ installMs: SLOW_INSTALL_MS, installed: ["numpy"] }))).toEqual([]);
    expect(hintsFor(run({ installMs: 60_000, installed: [] }))).toEqual([]);
  });

  it("gives both hints when both apply", () => {
    const hints = hintsFor(
      run({
        stderr: "ModuleNotFoundError: No module named 'lodash'",
        installMs: 20_000,
        installed: ["numpy"],
        packages: { python: ["numpy"], node: ["lodash"] },
      }),
    );
    expect(hints).toHaveLength(2);
  });
});
