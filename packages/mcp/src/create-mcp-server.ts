import { createRequire } from "node:module";
import type { SandboxEngine } from "@isol8/core";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { SetLevelRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { createConnectionSessions } from "./connection-sessions.js";
import type { LogThreshold } from "./notify-run.js";
import { type McpPolicyInput, resolveMcpPolicy } from "./policy.js";
import { registerRunTools } from "./tools/run-tools.js";
import { registerRuntimeTools } from "./tools/runtime-tools.js";
import { registerSessionTools } from "./tools/session-tools.js";
import type { ToolContext } from "./tools/tool-context.js";

const require = createRequire(import.meta.url);
const PACKAGE_VERSION: string = (require("../package.json") as { version: string }).version;

export interface CreateMcpServerOptions {
  /** The backend the tools run on: the local Docker engine, a remote one, or a server's tenant engine. */
  engine: SandboxEngine;
  /** What the tools let a client ask for. @default {} (see McpPolicyInput for each default) */
  policy?: McpPolicyInput;
  /** The version reported to clients in `initialize`. @default this package's version */
  version?: string;
  /**
   * Where bugs are reported (errors a client only sees as "internal error"). Never stdout: over stdio, stdout
   * is the protocol. @default console.error
   */
  logError?: (error: unknown) => void;
}

/** One MCP connection's server: its tools, its sessions, and the end of both when the transport closes. */
export interface Isol8McpServer {
  /** The SDK's server, for what this wrapper does not cover (instructions, extra tools). */
  readonly mcp: McpServer;
  /** The id that namespaces this connection's sessions on the engine (`mcp-<id>-<name>`). */
  readonly connectionId: string;
  /** Tool calls running now. */
  readonly runningCalls: number;
  /** Serves one transport; an McpServer serves only one, so make a server per connection. */
  connect(transport: Transport): Promise<void>;
  /** Closes the transport and resolves once the connection's sessions are stopped. */
  close(): Promise<void>;
  /** Resolves once the transport has closed (whoever closed it) and the sessions are stopped. */
  readonly closed: Promise<void>;
}

/**
 * An MCP server whose tools run code through `engine`: run_code, run_shell, session_create, session_run,
 * session_stop, write_file, read_file and list_runtimes, each with zod input and output schemas.
 */
export function createMcpServer(options: CreateMcpServerOptions): Isol8McpServer {
  const policy = resolveMcpPolicy(options.policy);
  const mcp = new McpServer(
    { name: "isol8", version: options.version ?? PACKAGE_VERSION },
    {
      capabilities: { logging: {} },
      instructions:
        "isol8 runs code in hardened, network-less sandboxes. Use run_code for one-off programs, or " +
        "session_create and session_run when files or installed packages must persist between runs.",
    },
  );
  const sessions = createConnectionSessions(options.engine, policy);
  const threshold: LogThreshold = { level: undefined };
  const context: ToolContext = {
    engine: options.engine,
    policy,
    sessions,
    threshold,
    logError: options.logError ?? ((error) => console.error("isol8 mcp:", error)),
    running: { count: 0 },
  };
  registerRunTools(mcp, context);
  registerSessionTools(mcp, context);
  registerRuntimeTools(mcp, context);

  // The SDK keeps levels per transport session id where tool handlers cannot read them; one server is one
  // connection, so the level is simply this server's.
  mcp.server.setRequestHandler(SetLevelRequestSchema, async (request) => {
    threshold.level = request.params.level;
    return {};
  });

  let finished: Promise<void> | undefined;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const finish = () => {
    finished ??= sessions.stopAll().then(resolveClosed);
    return finished;
  };
  // The SDK aborts the calls still running as the transport closes (their runs cancel); then the sessions go.
  mcp.server.onclose = () => {
    void finish();
  };

  return {
    mcp,
    connectionId: sessions.connectionId,
    get runningCalls() {
      return context.running.count;
    },
    connect: (transport) => mcp.connect(transport),
    async close() {
      await mcp.close();
      await finish();
    },
    closed,
  };
}
