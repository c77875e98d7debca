import { describe, expect, it } from "vitest";
import { doc, helpText } from "./help-text.test-support.js";

const runHelp = () => helpText("run");

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
