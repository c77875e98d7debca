import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { createFakeEngine } from "../../server/src/testing/fake-engine.js";
import { createMcpHttpHandler, type McpHttpHandler } from "./http-handler.js";

/** The handler on its own, as any Fetch-API host would mount it: the client's fetch calls it directly. */
describe("createMcpHttpHandler", () => {
  const engine = createFakeEngine();
  let handler: McpHttpHandler | undefined;
  afterEach(async () => {
    await handler?.close();
    await engine.close();
  });

  async function connect(owner: string) {
    const mounted = handler;
    if (!mounted) throw new Error("no handler");
    const transport = new StreamableHTTPClientTransport(new URL("http://isol8.test/mcp"), {
      fetch: (url, init) => mounted.handle(new Request(url, init), { owner, engine }),
    });
    const client = new Client({ name: "isol8-handler-test", version: "1.0.0" });
    await client.connect(transport);
    return client;
  }

  it("closes an idle connection and stops its sessions, but not while a call runs", async () => {
    handler = createMcpHttpHandler({ idleTimeoutMs: 50 });
    const client = await connect("key-1");
    await client.callTool({ name: "session_create", arguments: { runtime: "python" } });
    const slow = await client.callTool({
      name: "run_code",
      arguments: { runtime: "python", code: "sleep 300\nprint done" },
    });
    expect(CallToolResultSchema.parse(slow).structuredContent).toMatchObject({ stdout: "done\n" });
    expect(handler.connections).toBe(1);
    await expect.poll(() => handler?.connections, { timeout: 2000 }).toBe(0);
    expect(await engine.listSessions()).toEqual([]);
    await client.close();
  });

  it("caps the connections of one owner", async () => {
    handler = createMcpHttpHandler({ maxConnectionsPerOwner: 1 });
    const first = await connect("key-1");
    await expect(connect("key-1")).rejects.toThrow(/429|already holds 1 MCP connections/);
    const other = await connect("key-2");
    expect(handler.connections).toBe(2);
    await first.close();
    await other.close();
  });

  it("refuses a broken policy when it is made", () => {
    expect(() => createMcpHttpHandler({ policy: { maxSessions: -1 } })).toThrow(/MCP policy: maxSessions/);
  });

  it("answers a request that is not an initialize without keeping anything", async () => {
    handler = createMcpHttpHandler();
    const response = await handler.handle(
      new Request("http://isol8.test/mcp", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      }),
      { owner: "key-1", engine },
    );
    expect(response.status).toBe(400);
    expect(handler.connections).toBe(0);
  });
});
