import type { ArgumentsCamelCase, Argv, CommandModule } from "yargs";

export interface McpArguments {
  config?: string;
}

export function mcpCommand(setExitCode: (code: number) => void): CommandModule<object, McpArguments> {
  return {
    command: "mcp",
    describe: "Serve isol8's tools to an AI agent over MCP on stdin/stdout (run code, sessions, files)",
    builder: (yargs: Argv) =>
      yargs
        .example("$0 mcp", 'What an MCP client\'s config starts: {"command": "isol8", "args": ["mcp"]}')
        .epilogue(
          "stdout carries the protocol; isol8's own messages go to stderr. See docs/mcp.md.",
        ) as unknown as Argv<McpArguments>,
    handler: async (args: ArgumentsCamelCase<McpArguments>) => {
      const { mcpAction } = await import("../actions/mcp.js");
      setExitCode(await mcpAction(args));
    },
  };
}
