import type { McpArguments } from "../commands/mcp.js";
import { VERSION } from "../version.js";
import { createCliContext } from "./context.js";

/**
 * `isol8 mcp`: the MCP server over stdio, on the local Docker engine. stdout belongs to the protocol, so nothing
 * else may write there. It ends when the client closes stdin, or on SIGTERM/Ctrl-C; the sandboxes and sessions it
 * made are removed then.
 */
export async function mcpAction(args: McpArguments): Promise<number> {
  const { serveMcpOverStdio } = await import("@isol8/mcp");
  const { engine } = await createCliContext({ config: args.config });
  const server = await serveMcpOverStdio({ engine, version: VERSION });
  const stop = () => void server.close();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  await server.closed;
  process.off("SIGTERM", stop);
  process.off("SIGINT", stop);
  await engine.close();
  return 0;
}
