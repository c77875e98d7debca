import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { type CallToolResult, CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { createFakeEngine, type FakeEngine } from "../../../server/src/testing/fake-engine.js";
import { type CreateMcpServerOptions, createMcpServer, type Isol8McpServer } from "../create-mcp-server.js";

export interface Connected {
  client: Client;
  server: Isol8McpServer;
  engine: FakeEngine;
  /** Calls a tool and answers with its result, typed. */
  call(name: string, args?: Record<string, unknown>, options?: RequestOptions): Promise<CallToolResult>;
  /** Bugs the server reported. */
  bugs: unknown[];
  cleanup(): Promise<void>;
}

/** An SDK client linked in memory to an isol8 MCP server over the server package's fake engine. */
export async function connect(options: Partial<CreateMcpServerOptions> = {}): Promise<Connected> {
  const engine = createFakeEngine();
  const bugs: unknown[] = [];
  const server = createMcpServer({ engine, logError: (error) => bugs.push(error), ...options });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: "isol8-test", version: "1.0.0" });
  await client.connect(clientTransport);
  return {
    client,
    server,
    engine,
    bugs,
    call: (name, args = {}, options) => callTool(client, name, args, options),
    async cleanup() {
      await client.close();
      await server.close();
      await engine.close();
    },
  };
}

/** `client.callTool` typed as the current result shape (the SDK's type also admits a pre-2024 one). */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  options?: RequestOptions,
): Promise<CallToolResult> {
  return CallToolResultSchema.parse(await client.callTool({ name, arguments: args }, undefined, options));
}

/** The text of a tool result's first content block. */
export function textOf(result: CallToolResult): string {
  const [first] = result.content;
  return first?.type === "text" ? first.text : "";
}
