import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./helpers/cli.js";
import { useHostCaBundle } from "./helpers/host-ca.js";

/** docs/library.md's complete example runs as printed, and prints what the page says it prints. */

const doc = readFileSync(join(repoRoot, "docs/library.md"), "utf8");
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const tsconfig = fileURLToPath(new URL("../../tsconfig.json", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

/** The body of the first fenced block of `language` after `heading`. */
function blockAfter(heading: string, language: string): string {
  const section = doc.slice(doc.indexOf(heading));
  const match = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(section);
  if (!match?.[1]) throw new Error(`no ${language} block after "${heading}"`);
  return match[1];
}

describe("docs/library.md", () => {
  it("the complete example runs, prints the documented output and type-checks", () => {
    useHostCaBundle();
    const example = blockAfter("## A complete example", "ts");
    const expected = blockAfter("It prints:", "console");
    const dir = mkdtempSync(join(tmpdir(), "isol8-library-doc-"));
    try {
      const file = join(dir, "example.mts");
      writeFileSync(file, example);
      // tsx maps @isol8/* to the sources through the repository's tsconfig paths: the example as a user writes it.
      const run = spawnSync(process.execPath, ["--import", tsx, file], {
        cwd: repoRoot,
        env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(run.stderr).toBe("");
      expect(run.stdout).toBe(expected);
      expect(run.status).toBe(0);

      // tsx does not check types: tsc does, with the repository's settings, so the example also compiles.
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({
          extends: tsconfig,
          compilerOptions: { typeRoots: [join(repoRoot, "node_modules/@types")] },
          include: [file],
        }),
      );
      const check = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], {
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(check.stdout + check.stderr).toBe("");
      expect(check.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
