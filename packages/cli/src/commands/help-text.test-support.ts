import { readFileSync } from "node:fs";
import { vi } from "vitest";
import { main } from "../main.js";

/** A page of docs/, for tests that check `--help` says what the docs say. */
export const doc = (name: string): string =>
  readFileSync(new URL(`../../../../docs/${name}`, import.meta.url), "utf8");

/** What `isol8 <command> --help` prints, whitespace folded (yargs wraps to the terminal's width). */
export async function helpText(command: string): Promise<string> {
  const printed: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    printed.push(args.join(" "));
  });
  // yargs ends the process after printing help.
  const exit = vi.spyOn(process, "exit").mockImplementation(() => undefined as never);
  try {
    await main([command, "--help"]);
  } finally {
    log.mockRestore();
    exit.mockRestore();
  }
  return printed.join("\n").replace(/\s+/g, " ");
}
