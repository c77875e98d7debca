import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { listRuntimesOutput } from "../schemas.js";
import { handler, type ToolContext } from "./tool-context.js";

export function registerRuntimeTools(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "list_runtimes",
    {
      title: "List runtimes",
      description:
        "The runtimes run_code and session_create accept, with the file extensions and versions of each.",
      inputSchema: {},
      outputSchema: listRuntimesOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    handler(context, async () => {
      const allowed = context.policy.runtimes;
      const all = await context.engine.listRuntimes();
      const runtimes = allowed ? all.filter((runtime) => allowed.includes(runtime.name)) : all;
      return { runtimes: runtimes.map(({ name, extensions, versions }) => ({ name, extensions, versions })) };
    }),
  );
}
