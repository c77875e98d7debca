import { isIsol8Error } from "@isol8/core";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** The `_meta` key under which an error result carries the isol8 error, for clients that act on codes. */
export const ERROR_META_KEY = "isol8/error";

/**
 * A successful result: structuredContent for programs, and the same as JSON text for clients that only read
 * `content` (what the MCP specification asks of tools with an output schema).
 */
export function success(structured: Record<string, unknown>): CallToolResult {
  return { structuredContent: structured, content: [{ type: "text", text: JSON.stringify(structured) }] };
}

/**
 * A failure as a tool result, not a protocol error, so the model sees it and can correct its call. It carries no
 * structuredContent: clients validate any they get against the output schema, which describes successes.
 * Anything but an Isol8Error is a bug whose message may hold internals, so the client gets a generic one.
 */
export function failure(error: unknown, logError: (error: unknown) => void): CallToolResult {
  if (!isIsol8Error(error)) {
    logError(error);
    return failureOf("INTERNAL", "internal error in the isol8 MCP server", undefined);
  }
  return failureOf(error.code, error.message, error.hint);
}

function failureOf(code: string, message: string, hint: string | undefined): CallToolResult {
  const text = hint === undefined ? `${code}: ${message}` : `${code}: ${message}\nHint: ${hint}`;
  const detail = hint === undefined ? { code, message } : { code, message, hint };
  return { isError: true, content: [{ type: "text", text }], _meta: { [ERROR_META_KEY]: detail } };
}
