/**
 * `console` examples of a Markdown page: each `$ isol8 …` line is a command, the lines below it what it prints
 * (stdout, then stderr), where `…` stands for any text within a line and a line of only `…` for any lines;
 * `$ echo $?` shows the exit code of the command before it (0 when not shown).
 */
export interface ConsoleExample {
  args: string[];
  expected: string[];
  exitCode: number;
}

export function consoleExamples(markdown: string): ConsoleExample[] {
  const examples: ConsoleExample[] = [];
  let awaitingExitCode = false;
  for (const [, block = ""] of markdown.matchAll(/```console\n([\s\S]*?)```/g)) {
    for (const line of block.split("\n")) {
      const current = examples.at(-1);
      if (line.startsWith("$ isol8 ")) {
        examples.push({ args: shellWords(line.slice("$ isol8 ".length)), expected: [], exitCode: 0 });
      } else if (line === "$ echo $?") {
        awaitingExitCode = true;
      } else if (current && line !== "") {
        if (awaitingExitCode) current.exitCode = Number(line);
        else current.expected.push(line);
        awaitingExitCode = false;
      }
    }
  }
  return examples;
}

/** Splits a command line as a POSIX shell would, for what the examples use: words, '…' and "…" with \" and \\. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] ?? "";
    if (char === " ") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'") {
      const end = text.indexOf("'", index + 1);
      word = (word ?? "") + text.slice(index + 1, end);
      index = end;
    } else if (char === '"') {
      word ??= "";
      for (index++; index < text.length && text[index] !== '"'; index++) {
        if (text[index] === "\\" && (text[index + 1] === '"' || text[index + 1] === "\\")) index++;
        word += text[index];
      }
    } else word = (word ?? "") + char;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The shown lines as one expression over the whole output, in order, other lines allowed in between. */
export function outputPattern(expected: readonly string[]): RegExp {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const anyLines = "(?:[^\\n]*\\n)*?";
  const lines = expected.map((line) =>
    line.trim() === "…"
      ? anyLines
      : `[ \\t]*${line.trim().split("…").map(literal).join("[^\\n]*").replace(/ +/g, " +")}[ \\t]*\\n${anyLines}`,
  );
  return new RegExp(`^${anyLines}${lines.join("")}$`);
}
