import type { Readable, Writable } from "node:stream";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { type CreateMcpServerOptions, createMcpServer, type Isol8McpServer } from "./create-mcp-server.js";

export interface ServeMcpOverStdioOptions extends CreateMcpServerOptions {
  /** @default process.stdin */
  stdin?: Readable;
  /** Only protocol messages may be written here. @default process.stdout */
  stdout?: Writable;
}

/**
 * Serves MCP over stdin/stdout, for desktop agents that start `isol8 mcp` as a child process. Resolves once
 * the server is connected; `closed` resolves when the client has gone (stdin ended) and the sessions are stopped.
 * The engine stays open: whoever made it closes it.
 */
export async function serveMcpOverStdio(options: ServeMcpOverStdioOptions): Promise<Isol8McpServer> {
  const stdin = options.stdin ?? process.stdin;
  const server = createMcpServer(options);
  await server.connect(new StdioServerTransport(stdin, options.stdout ?? process.stdout));
  // The SDK's stdio transport does not notice the end of its input; a client that exits only closes our stdin.
  const onEnd = () => {
    void server.close();
  };
  stdin.once("end", onEnd);
  stdin.once("close", onEnd);
  void server.closed.then(() => {
    stdin.off("end", onEnd);
    stdin.off("close", onEnd);
  });
  return server;
}
