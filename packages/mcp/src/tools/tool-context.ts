import type { SandboxEngine } from "@isol8/core";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ConnectionSessions } from "../connection-sessions.js";
import type { LogThreshold, ToolExtra } from "../notify-run.js";
import type { McpPolicy } from "../policy.js";
import { failure, success } from "../results.js";

/** What every tool of one connection shares. */
export interface ToolContext {
  engine: SandboxEngine;
  policy: McpPolicy;
  sessions: ConnectionSessions;
  threshold: LogThreshold;
  logError: (error: unknown) => void;
  /** Calls running now; a connection with any is not idle, however long they take. */
  running: { count: number };
}

/**
 * A tool handler that returns its structured output or throws; thrown errors become `isError` results, so a
 * mistake of the model's (a bad runtime, a ceiling) reaches it as text it can act on.
 */
export function handler<A>(
  context: ToolContext,
  run: (args: A, extra: ToolExtra) => Promise<Record<string, unknown>>,
): (args: A, extra: ToolExtra) => Promise<CallToolResult> {
  return async (args, extra) => {
    context.running.count += 1;
    try {
      return success(await run(args, extra));
    } catch (error) {
      return failure(error, context.logError);
    } finally {
      context.running.count -= 1;
    }
  };
}
