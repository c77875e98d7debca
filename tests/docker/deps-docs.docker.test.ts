import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, runCli } from "./helpers/cli.js";
import { consoleExamples, outputPattern, shellWords } from "./helpers/console-examples.js";
import { removeImagesEventually } from "./helpers/containers.js";

/** Custom images that the examples name and that did not exist before: the ones to remove afterwards. */
function existing(tags: readonly string[]): string[] {
  return tags.filter((tag) => {
    try {
      execFileSync("docker", ["image", "inspect", tag], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * docs/dependencies.md promises that its `console` examples run as shown: each `$ isol8 …` line runs through the CLI
 * and must print what the page shows below it (see console-examples.ts for the notation).
 */
describe("docs/dependencies.md: the examples run as shown", () => {
  const markdown = readFileSync(join(repoRoot, "docs/dependencies.md"), "utf8");
  const examples = consoleExamples(markdown);
  const customTags = [...new Set(markdown.match(/isol8:[a-z]+-custom-[0-9a-f]{12}/g) ?? [])];
  let dir: string;
  let before: string[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "isol8-deps-docs-"));
    before = existing(customTags);
  });
  afterAll(async () => {
    await removeImagesEventually(existing(customTags).filter((tag) => !before.includes(tag)));
    rmSync(dir, { recursive: true, force: true });
  });

  it("finds the examples, and the matcher is strict about what they show", () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
    expect(shellWords(`run -e "echo '{\\"a\\":1}' | jq" -i 'x y'`)).toEqual([
      "run",
      "-e",
      `echo '{"a":1}' | jq`,
      "-i",
      "x y",
    ]);
    expect("noise\n2.4.6\n").toMatch(outputPattern(["2.…"]));
    expect("3.1\n").not.toMatch(outputPattern(["2.…"]));
    expect("hello-worlds\n").not.toMatch(outputPattern(["hello-world"]));
    expect("a\nb\nc\n").toMatch(outputPattern(["a", "…", "c"]));
    expect("c\na\n").not.toMatch(outputPattern(["a", "c"]));
  });

  it.each(examples.map((example) => [example.args.join(" "), example] as const))(
    "isol8 %s",
    async (_, example) => {
      const result = await runCli(example.args, { cwd: dir });
      const output = `${result.stdout}${result.stdout.endsWith("\n") || !result.stdout ? "" : "\n"}${result.stderr}`;
      expect(output).toMatch(outputPattern(example.expected));
      expect(result.code).toBe(example.exitCode);
    },
  );
});
