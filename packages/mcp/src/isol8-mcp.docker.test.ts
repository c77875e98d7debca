import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const builtBin = fileURLToPath(new URL("../../cli/dist/bin.cjs", import.meta.url));

/**
 * `isol8 mcp` as a desktop agent starts it (the command and args of docs/mcp.md), from the built CLI, on the real
 * Docker engine: the SDK's own stdio client calls the tools and real sandboxes run the code.
 */
describe("isol8 mcp over stdio, on Docker", () => {
  let dir: string;
  let client: Client;

  beforeAll(async () => {
    if (!existsSync(builtBin)) throw new Error(`${builtBin} is missing: run \`pnpm build\` first`);
    dir = mkdtempSync(join(tmpdir(), "isol8-mcp-"));
    client = new Client({ name: "isol8-docker-test", version: "1.0.0" });
    const env = Object.fromEntries(
      Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [builtBin, "mcp"], cwd: dir, env }),
    );
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs code in a real sandbox and returns its structured result", async () => {
    const result = await client.callTool({
      name: "run_code",
      arguments: { runtime: "python", code: "import os; print('uid', os.getuid())" },
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ stdout: "uid 1000\n", exitCode: 0, timedOut: false });
  });

  it("keeps a session's files between calls, and reads them back", async () => {
    const created = await client.callTool({ name: "session_create", arguments: { runtime: "python" } });
    const { session } = created.structuredContent as { session: string };
    await client.callTool({ name: "write_file", arguments: { session, path: "data.txt", content: "21" } });
    const ran = await client.callTool({
      name: "session_run",
      arguments: {
        session,
        code: "n = int(open('data.txt').read()); open('out.txt', 'w').write(str(n * 2))",
      },
    });
    expect(ran.structuredContent).toMatchObject({ exitCode: 0 });
    const read = await client.callTool({ name: "read_file", arguments: { session, path: "out.txt" } });
    expect(read.structuredContent).toMatchObject({ content: "42" });
    await client.callTool({ name: "session_stop", arguments: { session } });
  });

  it("answers an isol8 error as a tool error with its code", async () => {
    const result = await client.callTool({
      name: "run_code",
      arguments: { runtime: "python", code: "print(1)", packages: ["--index-url=http://evil"] },
    });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("PACKAGE_NAME_INVALID");
  });
});
