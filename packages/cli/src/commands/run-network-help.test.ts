import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { main } from "../main.js";

const doc = (name: string) => readFileSync(new URL(`../../../../docs/${name}`, import.meta.url), "utf8");

async function runHelp(): Promise<string> {
  const printed: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    printed.push(args.join(" "));
  });
  // yargs ends the process after printing help.
  const exit = vi.spyOn(process, "exit").mockImplementation(() => undefined as never);
  try {
    await main(["run", "--help"]);
  } finally {
    log.mockRestore();
    exit.mockRestore();
  }
  return printed.join("\n").replace(/\s+/g, " ");
}

describe("isol8 run --help and the docs agree on the network options", () => {
  it.each([
    ["--net", "none", "filtered", "host"],
    ["--allow", "pypi.org", "*.example.com", "host:port", "comma-separated"],
    ["--deny", "deny wins", "comma-separated"],
    ["--log-network", "egress proxy"],
  ])("%s", async (option, ...words) => {
    const help = await runHelp();
    const row = doc("cli.md")
      .split("\n")
      // The whole option name: "--allow" must not find the row of "--allow-insecure-url".
      .find((line) => line.startsWith(`| \`${option}\``) || line.startsWith(`| \`${option} `));
    expect(help).toContain(option);
    expect(row).toBeDefined();
    for (const word of words) {
      expect(help).toContain(word);
      expect(row).toContain(word);
    }
    expect(doc("network.md")).toContain(option);
  });
});
