import { Isol8Error } from "@isol8/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { decodeContent, encodeContent } from "../files.js";
import {
  readFileInput,
  readFileOutput,
  sessionCreateInput,
  sessionCreateOutput,
  sessionStopInput,
  sessionStopOutput,
  writeFileInput,
  writeFileOutput,
} from "../schemas.js";
import { handler, type ToolContext } from "./tool-context.js";

/** session_create, session_stop, write_file and read_file. */
export function registerSessionTools(server: McpServer, context: ToolContext): void {
  const { sessions } = context;

  server.registerTool(
    "session_create",
    {
      title: "Start a session",
      description:
        "Starts a sandbox that is kept across session_run calls (files and installed packages persist). " +
        "It is stopped by session_stop or when this MCP connection closes.",
      inputSchema: sessionCreateInput,
      outputSchema: sessionCreateOutput,
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    handler(context, async (args) => {
      const opened = await sessions.create(args.runtime, args.name);
      return { session: opened.name, runtime: opened.runtime, created: opened.created };
    }),
  );

  server.registerTool(
    "session_stop",
    {
      title: "Stop a session",
      description: "Ends a session and removes its sandbox with every file in it.",
      inputSchema: sessionStopInput,
      outputSchema: sessionStopOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: false },
    },
    handler(context, async (args) => {
      await sessions.stop(args.session);
      return { session: args.session, stopped: true };
    }),
  );

  server.registerTool(
    "write_file",
    {
      title: "Write a file into a session",
      description: "Writes a file under the session's /sandbox (parent directories are created).",
      inputSchema: writeFileInput,
      outputSchema: writeFileOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    handler(context, async (args) => {
      const content = decodeContent(args.path, args.content, args.encoding);
      await sessions
        .get(args.session)
        .writeFiles([{ path: args.path, content, executable: args.executable }]);
      return { path: args.path, bytes: content.byteLength };
    }),
  );

  server.registerTool(
    "read_file",
    {
      title: "Read a file from a session",
      description: "Reads a file under the session's /sandbox.",
      inputSchema: readFileInput,
      outputSchema: readFileOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    handler(context, async (args) => {
      const [file] = await sessions.get(args.session).readFiles([args.path]);
      if (!file?.content) {
        throw new Isol8Error(
          "FILE_NOT_FOUND",
          `cannot read "${args.path}": ${file?.error ?? "no such file"}`,
        );
      }
      const encoded = encodeContent(args.path, file.content, args.encoding);
      return { path: args.path, ...encoded, bytes: file.content.byteLength };
    }),
  );
}
