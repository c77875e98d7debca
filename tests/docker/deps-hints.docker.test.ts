import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";

/** Troubleshooting built in: a missing module that the config lists for another runtime gets a one-line hint. */
describe("isol8 run: hints about runtime and package pairing", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "isol8-deps-hints-"));
    writeFileSync(join(dir, "isol8.config.json"), JSON.stringify({ dependencies: { node: ["lodash"] } }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("python importing a node package: the error, then the hint", async () => {
    const result = await runCli(["run", "-e", "import lodash", "--runtime", "python"], { cwd: dir });
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toContain("ModuleNotFoundError: No module named 'lodash'");
    expect(lines.filter((line) => line.startsWith("[isol8] "))).toEqual([
      '[isol8] hint: "lodash" is a package for node and bun, not for python: verify the runtime/package pairing — ' +
        "run the code with --runtime node, or install python's own PyPI packages with --install",
    ]);
  });

  it("the same code on the runtime the package is for needs no hint", async () => {
    const result = await runCli(
      ["run", "-e", "import _ from 'lodash'; console.log(_.VERSION)", "-r", "node"],
      {
        cwd: dir,
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^4\.\d+\.\d+\n$/);
    expect(result.stderr).toBe("");
  });

  it("a package only the config lists for another runtime gets the hint too (no well-known list involved)", async () => {
    writeFileSync(
      join(dir, "isol8.config.json"),
      JSON.stringify({ dependencies: { node: ["lodash", "left-pad"] } }),
    );
    const result = await runCli(["run", "-e", "import left_pad", "--runtime", "python"], { cwd: dir });
    expect(result.code).toBe(1);
    // Python spells the module left_pad; PyPI's folding makes it left-pad, which node's list holds.
    expect(result.stderr).toContain('[isol8] hint: "left_pad" is a package for node, not for python');
  });

  it("--json keeps stderr for the program: no hint there", async () => {
    const result = await runCli(["run", "-e", "import lodash", "-r", "python", "--json"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("");
  });
});
