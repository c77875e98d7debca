import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, runCli } from "./helpers/cli.js";

/**
 * docs/dependencies.md promises that its `console` examples run as shown. Each `$ isol8 …` line runs through the CLI;
 * the lines shown below it must appear in its output (stdout then stderr) in that order, where `…` stands for any
 * text and a line of only `…` for any lines; `$ echo $?` shows the exit code of the command before it.
 */
interface Example {
  args: string[];
  expected: string[];
  exitCode: number;
}

function parseExamples(markdown: string): Example[] {
  const blocks = [...markdown.matchAll(/```console\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
  const examples: Example[] = [];
  for (const block of blocks) {
    for (const line of block.split("\n")) {
      const current = examples.at(-1);
      if (line.startsWith("$ isol8 ")) {
        examples.push({ args: shellWords(line.slice("$ isol8 ".length)), expected: [], exitCode: 0 });
      } else if (line === "$ echo $?") {
        if (current) current.expected.push("$?");
      } else if (current && line.length > 0) {
        if (current.expected.at(-1) === "$?") {
          current.expected.pop();
          current.exitCode = Number(line);
        } else current.expected.push(line);
      }
    }
  }
  return examples;
}

/** Enough of POSIX word splitting for the examples: single quotes, double quotes with \" and \\ escapes. */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? "";
    if (char === " " && word !== undefined) {
      words.push(word);
      word = undefined;
    } else if (char === "'") {
      const end = text.indexOf("'", i + 1);
      word = (word ?? "") + text.slice(i + 1, end);
      i = end;
    } else if (char === '"') {
      word ??= "";
      for (i++; text[i] !== '"'; i++) {
        if (text[i] === "\\" && (text[i + 1] === '"' || text[i + 1] === "\\")) i++;
        word += text[i];
      }
    } else if (char !== " ") word = (word ?? "") + char;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The shown lines as one pattern: `…` is any text within a line; a line of only `…` is any lines. */
function outputPattern(expected: readonly string[]): RegExp {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const anyLines = "(?:[^\\n]*\\n)*?";
  const lines = expected.map((line) =>
    line.trim() === "…"
      ? anyLines
      : `[ \\t]*${line.trim().split("…").map(literal).join("[^\\n]*").replace(/ +/g, " +")}[ \\t]*\\n${anyLines}`,
  );
  return new RegExp(`^${anyLines}${lines.join("")}`);
}

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

describe("docs/dependencies.md: the examples run as shown", () => {
  const markdown = readFileSync(join(repoRoot, "docs/dependencies.md"), "utf8");
  const examples = parseExamples(markdown);
  const customTags = [...new Set(markdown.match(/isol8:[a-z]+-custom-[0-9a-f]{12}/g) ?? [])];
  let dir: string;
  let before: string[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "isol8-deps-docs-"));
    before = existing(customTags);
  });
  afterAll(() => {
    for (const tag of existing(customTags)) {
      if (!before.includes(tag)) execFileSync("docker", ["rmi", tag], { stdio: "ignore" });
    }
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
