import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { isol8Containers, waitForNoContainers } from "./helpers/containers.js";

/**
 * `isol8 run --url` end to end: the CLI fetches code from a server on 127.0.0.1 in this process and runs it in a
 * sandbox. Loopback is refused outside tests; ISOL8_TEST_ALLOW_LOOPBACK_URLS=1 (the CLI's test hook, announced on
 * stderr) allows it, and --allow-insecure-url the plain http this server speaks.
 */

const PYTHON = "import sys\nprint('hello from a url', sys.argv[0])\n";
const BASH = 'echo "hello from bash at $0"\n';
const SHA256 = createHash("sha256").update(PYTHON).digest("hex");
const HOOK = { ISOL8_TEST_ALLOW_LOOPBACK_URLS: "1" };
const HOOK_NOTE =
  "[isol8] ISOL8_TEST_ALLOW_LOOPBACK_URLS=1: loopback URLs are allowed (a test hook; unset it outside tests)\n";

let server: Server;
let origin: string;
let connections = 0;

beforeAll(async () => {
  const files: Record<string, string> = { "/code/hello.py": PYTHON, "/code/script": BASH };
  server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://x").pathname;
    if (path === "/moved.py") response.writeHead(302, { location: "/code/hello.py" }).end();
    else if (files[path] !== undefined) response.writeHead(200).end(files[path]);
    else response.writeHead(404).end();
  });
  server.on("connection", () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  expect(await waitForNoContainers()).toEqual([]);
});

describe("isol8 run --url", () => {
  it("runs a .py file served over http on loopback, through the test hook", async () => {
    const result = await runCli(["run", "--url", `${origin}/code/hello.py`, "--allow-insecure-url"], {
      env: HOOK,
    });
    expect(result.stderr).toBe(HOOK_NOTE);
    // Run as a file named like the URL's last segment.
    expect(result.stdout).toBe("hello from a url /sandbox/hello.py\n");
    expect(result.code).toBe(0);
  });

  it("accepts the content's --sha256, follows a redirect and says what it fetched with --verbose", async () => {
    const result = await runCli(
      ["run", "--url", `${origin}/moved.py`, "--allow-insecure-url", "--sha256", SHA256, "--verbose"],
      { env: HOOK },
    );
    // Named after the URL the user gave (what picked the runtime), not the one it redirected to.
    expect(result.stdout).toBe("hello from a url /sandbox/moved.py\n");
    expect(result.stderr).toContain(
      `[isol8] fetched ${origin}/code/hello.py after 1 redirect: ${PYTHON.length} bytes, sha256 ${SHA256}\n`,
    );
    expect(result.code).toBe(0);
  });

  it("takes the runtime from --runtime when the path has no extension", async () => {
    const result = await runCli(
      ["run", "--url", `${origin}/code/script`, "--allow-insecure-url", "-r", "bash"],
      {
        env: HOOK,
      },
    );
    // Bash runs only .sh files: the code is written under the runtime's own name.
    expect(result.stdout).toBe("hello from bash at /sandbox/main.sh\n");
    expect(result.code).toBe(0);
  });
});

describe("isol8 run --url: refusals leave nothing behind", () => {
  // `connects`: whether the refusal needs the body (or status), or comes before any connection.
  it.each([
    {
      name: "a --sha256 mismatch",
      args: ["--url", "/code/hello.py", "--allow-insecure-url", "--sha256", "0".repeat(64)],
      env: HOOK,
      connects: true,
      message:
        /^isol8: Refused http:\/\/127\.0\.0\.1:\d+\/code\/hello\.py: its SHA-256 is [0-9a-f]{64}, not the --sha256 0{64}\n {2}The content changed/m,
    },
    {
      name: "loopback without the test hook",
      args: ["--url", "/code/hello.py", "--allow-insecure-url"],
      env: {},
      connects: false,
      message:
        /^isol8: Refused http:\/\/127\.0\.0\.1:\d+\/code\/hello\.py: 127\.0\.0\.1, a loopback address\n {2}isol8 fetches code only from public addresses/,
    },
    {
      name: "plain http without --allow-insecure-url",
      args: ["--url", "/code/hello.py"],
      env: HOOK,
      connects: false,
      message: /^isol8: Refused http:\/\/127\.0\.0\.1:\d+\/code\/hello\.py: only https URLs are fetched\n/m,
    },
    {
      name: "a file over --max-url-bytes",
      args: ["--url", "/code/hello.py", "--allow-insecure-url", "--max-url-bytes", "16"],
      env: HOOK,
      connects: true,
      message: /^isol8: Refused http:\/\/127\.0\.0\.1:\d+\/code\/hello\.py: it is larger than 16 bytes\n/m,
    },
    {
      name: "an HTTP error",
      args: ["--url", "/code/missing.py", "--allow-insecure-url"],
      env: HOOK,
      connects: true,
      message: /^isol8: Cannot fetch http:\/\/127\.0\.0\.1:\d+\/code\/missing\.py: HTTP 404 Not Found\n/m,
    },
  ])("$name: exit 2, no container", async ({ args, env, connects, message }) => {
    const withOrigin = args.map((word) => (word.startsWith("/code/") ? `${origin}${word}` : word));
    const before = isol8Containers();
    const connectionsBefore = connections;
    const result = await runCli(["run", ...withOrigin], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
    expect(isol8Containers().filter((id) => !before.includes(id))).toEqual([]);
    expect(connections > connectionsBefore).toBe(connects);
  });
});
