import type { ExecutionResult } from "@isol8/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { filesFromInput } from "../files.js";
import { runWithNotifications } from "../notify-run.js";
import { checkInstall, checkRuntime, runLimits } from "../policy.js";
import { type RunOutput, runCodeInput, runOutput, runShellInput, sessionRunInput } from "../schemas.js";
import { handler, type ToolContext } from "./tool-context.js";

/** The runtime run_shell uses (`@isol8/runtime-bash`). */
export const SHELL_RUNTIME = "bash";

const STREAMS_NOTE =
  "Output streams as log notifications (loggers stdout, stderr, phase) and, with a progressToken, as progress.";

function toOutput(result: ExecutionResult): RunOutput {
  return {
    stdout: result.stdout,
    stderr: result.stderr,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    truncated: result.truncated,
    oomKilled: result.oomKilled,
    durationMs: result.durations.totalMs,
  };
}

/** run_code, run_shell and session_run: each streams its run through runWithNotifications. */
export function registerRunTools(server: McpServer, context: ToolContext): void {
  const { engine, policy } = context;

  server.registerTool(
    "run_code",
    {
      title: "Run code",
      description: `Runs a program in a fresh, isolated sandbox (no network) that is removed afterwards. ${STREAMS_NOTE}`,
      inputSchema: runCodeInput,
      outputSchema: runOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    handler(context, async (args, extra) => {
      checkRuntime(policy, args.runtime);
      checkInstall(policy, args.packages);
      const request = {
        runtime: args.runtime,
        code: args.code,
        install: args.packages,
        files: filesFromInput(args.files),
        limits: runLimits(policy, args.timeoutMs),
        stdin: args.stdin,
      };
      const events = engine.executeStream(request, { signal: extra.signal });
      return toOutput(await runWithNotifications(events, extra, context.threshold));
    }),
  );

  server.registerTool(
    "run_shell",
    {
      title: "Run a shell command",
      description: `Runs a bash command line in a fresh, isolated sandbox (no network). ${STREAMS_NOTE}`,
      inputSchema: runShellInput,
      outputSchema: runOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    handler(context, async (args, extra) => {
      checkRuntime(policy, SHELL_RUNTIME);
      const request = {
        runtime: SHELL_RUNTIME,
        code: args.command,
        files: filesFromInput(args.files),
        limits: runLimits(policy, args.timeoutMs),
        stdin: args.stdin,
      };
      const events = engine.executeStream(request, { signal: extra.signal });
      return toOutput(await runWithNotifications(events, extra, context.threshold));
    }),
  );

  server.registerTool(
    "session_run",
    {
      title: "Run code in a session",
      description: `Runs a program in a session's sandbox, where files and installed packages persist between runs. ${STREAMS_NOTE}`,
      inputSchema: sessionRunInput,
      outputSchema: runOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    handler(context, async (args, extra) => {
      const session = context.sessions.get(args.session);
      checkInstall(policy, args.packages);
      const request = {
        code: args.code,
        install: args.packages,
        files: filesFromInput(args.files),
        limits: runLimits(policy, args.timeoutMs),
        stdin: args.stdin,
      };
      const events = session.executeStream(request, { signal: extra.signal });
      return toOutput(await runWithNotifications(events, extra, context.threshold));
    }),
  );
}
