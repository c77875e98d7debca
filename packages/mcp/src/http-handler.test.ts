import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CallToolResultSchema, LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../server/src/testing/harness.js";
import { createMcpHttpHandler, type McpHttpHandler } from "./http-handler.js";
import { textOf } from "./testing/connect.js";

/** Streamable HTTP through a real isol8 server on loopback, with keys from a SQLite store in a temp dir. */
describe("MCP over Streamable HTTP on the isol8 server", () => {
  let h: Harness;
  let handler: McpHttpHandler;
  let url: URL;
  const clients: { client: Client; transport: StreamableHTTPClientTransport }[] = [];

  beforeEach(async () => {
    handler = createMcpHttpHandler({ logError: () => undefined });
    h = await createHarness({
      mcp: handler,
      policy: { tenantDefaults: { ceilings: { timeoutMs: 10_000 }, maxSessions: 2 } },
    });
    url = new URL("/mcp", (await h.server.listen({ hostname: "127.0.0.1" })).url);
  });
  afterEach(async () => {
    for (const { client } of clients.splice(0)) await client.close();
    await h.cleanup();
  });

  async function connect(key: string, sessionId?: string) {
    const transport = new StreamableHTTPClientTransport(url, {
      requestInit: { headers: { Authorization: `Bearer ${key}` } },
      sessionId,
    });
    const client = new Client({ name: "isol8-http-test", version: "1.0.0" });
    clients.push({ client, transport });
    await client.connect(transport);
    return { client, transport };
  }

  const call = async (client: Client, name: string, args: Record<string, unknown>) =>
    CallToolResultSchema.parse(await client.callTool({ name, arguments: args }));

  it("refuses a request without a valid key", async () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: {} });
    const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
    const missing = await fetch(url, { method: "POST", headers, body });
    expect(missing.status).toBe(401);
    const wrong = await fetch(url, {
      method: "POST",
      headers: { ...headers, Authorization: "Bearer isol8_x" },
      body,
    });
    expect(wrong.status).toBe(401);
    expect(handler.connections).toBe(0);
  });

  it("runs code with live notifications, and applies the tenant's policy", async () => {
    const { client } = await connect(h.keys.acme);
    expect((await client.listTools()).tools).toHaveLength(8);
    const logs: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      logs.push(`${notification.params.logger}:${String(notification.params.data)}`);
    });
    const result = await call(client, "run_code", { runtime: "python", code: "print over http" });
    expect(result.structuredContent).toMatchObject({ stdout: "over http\n", exitCode: 0 });
    expect(logs).toContain("stdout:over http\n");
    const above = await call(client, "run_code", { runtime: "python", code: "", timeoutMs: 60_000 });
    expect(above.isError).toBe(true);
    expect(textOf(above)).toMatch(
      /^POLICY_DENIED: limits.timeoutMs 60000 is above this server's ceiling of 10000/,
    );
  });

  it("keeps a connection to the key that opened it and stops its sessions when it ends", async () => {
    const { client, transport } = await connect(h.keys.acme);
    const created = await call(client, "session_create", { runtime: "python", name: "work" });
    expect(created.structuredContent).toMatchObject({ session: "work", created: true });
    const [info] = await h.engine.listSessions();
    expect(info?.name).toMatch(/^srv\.acme\.mcp-[A-Za-z0-9_-]{8}-work$/);

    // Another tenant's key presenting this connection's id finds nothing there.
    const sessionId = transport.sessionId;
    const probe = await fetch(url, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${h.keys.globex}`,
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
        "Mcp-Session-Id": sessionId ?? "",
        "Mcp-Protocol-Version": "2025-06-18",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 9,
        method: "tools/call",
        params: { name: "list_runtimes" },
      }),
    });
    expect(probe.status).toBe(404);

    await transport.terminateSession();
    await expect.poll(() => handler.connections).toBe(0);
    expect(await h.engine.listSessions()).toEqual([]);
  });

  it("closes every connection and its sessions when the server shuts down", async () => {
    const { client } = await connect(h.keys.acme);
    await call(client, "session_create", { runtime: "python" });
    expect(await h.engine.listSessions()).toHaveLength(1);
    await h.server.close({ deadlineMs: 100 });
    expect(handler.connections).toBe(0);
    expect(await h.engine.listSessions()).toEqual([]);
  });
});
