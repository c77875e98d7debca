import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createFakeEngine, type FakeEngine } from "../../../server/src/testing/fake-engine.js";
import { type CreateMcpServerOptions, createMcpServer, type Isol8McpServer } from "../create-mcp-server.js";

export interface Connected {
  client: Client;
  server: Isol8McpServer;
  engine: FakeEngine;
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
    async cleanup() {
      await client.close();
      await server.close();
      await engine.close();
    },
  };
}

/** The text of a tool result's first content block. */
export function textOf(result: { content?: unknown }): string {
  const [first] = Array.isArray(result.content) ? result.content : [];
  return first && typeof first === "object" && "text" in first && typeof first.text === "string"
    ? first.text
    : "";
}
