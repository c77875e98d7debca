export { type CreateMcpServerOptions, createMcpServer, type Isol8McpServer } from "./create-mcp-server.js";
export {
  createMcpHttpHandler,
  type McpHttpHandler,
  type McpHttpHandlerOptions,
  type McpHttpScope,
} from "./http-handler.js";
export { type McpPolicy, type McpPolicyInput, mcpPolicySchema, resolveMcpPolicy } from "./policy.js";
export { ERROR_META_KEY } from "./results.js";
export { type ServeMcpOverStdioOptions, serveMcpOverStdio } from "./stdio.js";
export { SHELL_RUNTIME } from "./tools/run-tools.js";
