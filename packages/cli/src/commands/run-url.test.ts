import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { main } from "../main.js";
import { startCodeServer } from "../remote-code/code-server.test-support.js";
import { doc, helpText } from "./help-text.test-support.js";

const runHelp = () => helpText("run");

describe("isol8 run --help and the docs agree on the --url options", () => {
  it.each([
    [
      "--url",
      "https",
      "extension picks the runtime",
      "private",
      "loopback",
      "link-local",
      "unique-local",
      "CGNAT",
      "multicast",
      "after resolution",
      "every redirect",
    ],
    ["--sha256", "SHA-256", "before any sandbox starts"],
    ["--allow-insecure-url", "http://", "anyone on the way can change the code"],
    ["--max-url-bytes", "256k", "4m", "1m"],
  ])("%s", async (option, ...words) => {
    const help = await runHelp();
    const row = doc("cli.md")
      .split("\n")
      .find((line) => line.startsWith(`| \`${option} `) || line.startsWith(`| \`${option}\``));
    expect(help).toContain(option);
    expect(row).toBeDefined();
    for (const word of words) {
      expect(help).toContain(word);
      expect(row).toContain(word);
    }
    expect(doc("security.md")).toContain(option);
  });
});

describe("isol8 run --url refuses before any engine is touched", () => {
  let stderr: MockInstance<typeof process.stderr.write>;
  const printed = () => stderr.mock.calls.map(([chunk]) => String(chunk)).join("");
  beforeEach(() => {
    stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  });
  afterEach(() => {
    stderr.mockRestore();
    vi.unstubAllEnvs();
  });

  it.each([
    [
      ["--url", "http://example.com/x.py"],
      "isol8: Refused http://example.com/x.py: only https URLs are fetched",
    ],
    [["a.py", "--url", "https://example.com/x.py"], "isol8: Give either a file or --url URL, not both"],
    [["-e", "1", "--url", "https://example.com/x.py"], "isol8: Give either -e CODE or --url URL, not both"],
    [["-e", "1", "-r", "python", "--sha256", "ab"], "isol8: --sha256 applies only with --url URL"],
    [["--url", "https://example.com/x.py", "--sha256", "ab"], 'isol8: --sha256 "ab" is not valid'],
    [["--url", "https://[::1]/x.py"], "isol8: Refused https://[::1]/x.py: ::1, a loopback address"],
    [
      ["--url", "https://169.254.169.254/latest/meta-data/", "-r", "python"],
      "isol8: Refused https://169.254.169.254/latest/meta-data/: 169.254.169.254, a link-local address",
    ],
  ])("%j exits 2", async (args, firstLine) => {
    expect(await main(["run", ...args])).toBe(2);
    expect(printed().split("\n")[0]).toContain(firstLine);
  });

  it("refuses a loopback server unless ISOL8_TEST_ALLOW_LOOPBACK_URLS=1, which it announces", async () => {
    const server = await startCodeServer({
      "/missing.py": (_request, response) => {
        response.writeHead(404).end();
      },
    });
    try {
      const args = ["run", "--url", `${server.origin}/missing.py`, "--allow-insecure-url"];
      expect(await main(args)).toBe(2);
      expect(printed()).toContain("127.0.0.1, a loopback address");
      expect(server.connections()).toBe(0);
      stderr.mockClear();
      vi.stubEnv("ISOL8_TEST_ALLOW_LOOPBACK_URLS", "1");
      // The 404 proves the fetch reached the server; nothing is run, so no engine is needed.
      expect(await main(args)).toBe(2);
      expect(printed()).toContain("[isol8] ISOL8_TEST_ALLOW_LOOPBACK_URLS=1: loopback URLs are allowed");
      expect(printed()).toContain(`isol8: Cannot fetch ${server.origin}/missing.py: HTTP 404 Not Found`);
      expect(server.connections()).toBe(1);
    } finally {
      await server.close();
    }
  });
});
