import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runCli } from "./helpers/cli.js";

/**
 * docs/security.md promises that its `console` examples run as shown and that the tests it cites exist. Each
 * `$ isol8 …` line runs through the CLI; the lines below it are its whole output (stdout, then stderr), where `…`
 * inside a line stands for any text and a line of only `…` for any number of lines; `$ echo $?` and the line after
 * it give the exit code (0 when absent).
 */

interface Example {
  command: string;
  expected: string[];
  exitCode: number;
}

const markdown = readFileSync(join(repoRoot, "docs/security.md"), "utf8");

function consoleExamples(text: string): Example[] {
  const examples: Example[] = [];
  for (const block of text.matchAll(/^( *)```console\n([\s\S]*?)^\1```$/gm)) {
    const indent = block[1] ?? "";
    let awaitingExitCode = false;
    for (const raw of (block[2] ?? "").split("\n")) {
      const line = raw.startsWith(indent) ? raw.slice(indent.length) : raw;
      const current = examples.at(-1);
      if (line.startsWith("$ isol8 ")) {
        examples.push({ command: line.slice(2), expected: [], exitCode: 0 });
      } else if (line === "$ echo $?") {
        awaitingExitCode = true;
      } else if (current && awaitingExitCode) {
        current.exitCode = Number(line);
        awaitingExitCode = false;
      } else if (current && line !== "") current.expected.push(line);
    }
  }
  return examples;
}

/** POSIX word splitting for the examples: single quotes, and double quotes with \" and \\ escapes. */
function words(command: string): string[] {
  const result: string[] = [];
  let current = "";
  let inWord = false;
  let quote = "";
  for (let i = 0; i < command.length; i++) {
    const char = command.charAt(i);
    if (quote === '"' && char === "\\" && ['"', "\\"].includes(command.charAt(i + 1)))
      current += command.charAt(++i);
    else if (quote && char !== quote) current += char;
    else if (quote) quote = "";
    else if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === " ") {
      if (inWord) result.push(current);
      current = "";
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (inWord) result.push(current);
  return result;
}

/** The whole output as a pattern: a `…` line is any lines, `…` within a line is any text. */
function outputPattern(expected: readonly string[]): RegExp {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const body = expected
    .map((line) => (line === "…" ? "(?:[^\\n]*\\n)*?" : `${line.split("…").map(literal).join("[^\\n]*")}\\n`))
    .join("");
  return new RegExp(`^${body}$`);
}

describe("docs/security.md", () => {
  const examples = consoleExamples(markdown);

  it("finds its examples, and the matcher is strict", () => {
    expect(examples.length).toBeGreaterThanOrEqual(14);
    expect(words(`run -e "print('a b')" -x 'c "d"' "e\\"f"`)).toEqual([
      "run",
      "-e",
      "print('a b')",
      "-x",
      'c "d"',
      'e"f',
    ]);
    expect("a\nb\nc\n").toMatch(outputPattern(["a", "…", "c"]));
    expect("a\nc\n").toMatch(outputPattern(["a", "…", "c"]));
    expect("a\nb\n").not.toMatch(outputPattern(["a"]));
    expect("xx: error 30\n").toMatch(outputPattern(["…error 30"]));
    expect("error 301\n").not.toMatch(outputPattern(["error 30"]));
  });

  it("cites only tests that exist, and every cited test backs a protection", () => {
    const cited = [...markdown.matchAll(/^\|\s*([A-Z]\d+b?)\s*\|\s*`([^`]+)`\s*\|\s*(.+?)\s*\|$/gm)];
    expect(cited.length).toBeGreaterThanOrEqual(30);
    for (const [, id, file = "", name = ""] of cited) {
      const path = join(repoRoot, file);
      expect(existsSync(path), `${id}: ${file}`).toBe(true);
      expect(readFileSync(path, "utf8"), `${id}: ${file}`).toContain(name);
    }
    const ids = cited.map((match) => match[1]);
    const used = [...markdown.matchAll(/\|\s*((?:[A-Z]\d+b?(?:, )?)+)\s*\|$/gm)].flatMap((match) =>
      (match[1] ?? "").split(", "),
    );
    expect(new Set(used)).toEqual(new Set(ids));
  });

  it.each(examples.map((example) => [example.command, example] as const))("%s", async (_, example) => {
    const result = await runCli(words(example.command).slice(1));
    const output = [result.stdout, result.stderr]
      .filter((text) => text !== "")
      .map((text) => (text.endsWith("\n") ? text : `${text}\n`))
      .join("");
    expect(output).toMatch(outputPattern(example.expected));
    expect(result.code).toBe(example.exitCode);
  });
});
