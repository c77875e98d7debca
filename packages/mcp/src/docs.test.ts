import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MCP_PATH } from "../../server/src/routes/mcp.js";
import { createHarness } from "../../server/src/testing/harness.js";
import { createMcpHttpHandler } from "./http-handler.js";

const root = new URL("../../../", import.meta.url);
const markdown = readFileSync(new URL("docs/mcp.md", root), "utf8");
const cliPackage = z
  .object({ bin: z.record(z.string(), z.string()) })
  .parse(JSON.parse(readFileSync(new URL("packages/cli/package.json", root), "utf8")));

const stdioEntry = z.strictObject({ command: z.string(), args: z.array(z.string()) });
const httpEntry = z.strictObject({
  type: z.literal("http"),
  url: z.url(),
  headers: z.record(z.string(), z.string()),
});
const configSchema = z.strictObject({ mcpServers: z.record(z.string(), z.union([stdioEntry, httpEntry])) });

/** Every ```json block of the page that is an MCP client config. */
function configs() {
  return [...markdown.matchAll(/```json\n([\s\S]*?)```/g)]
    .map((match) => JSON.parse(match[1] ?? "") as unknown)
    .filter((value) => typeof value === "object" && value !== null && "mcpServers" in value)
    .map((value) => configSchema.parse(value).mcpServers);
}

describe("docs/mcp.md", () => {
  it("shows a stdio config and an HTTP config", () => {
    expect(configs()).toHaveLength(2);
  });

  it("names the CLI's binary and its mcp command in the stdio config", () => {
    const entry = stdioEntry.parse(configs()[0]?.isol8);
    expect(Object.keys(cliPackage.bin)).toContain(entry.command);
    expect(entry.args).toEqual(["mcp"]);
  });

  it("gives an HTTP config that connects to a real server with a real key", async () => {
    const entry = httpEntry.parse(configs()[1]?.isol8);
    const documented = new URL(entry.url);
    expect(documented.pathname).toBe(MCP_PATH);
    expect(Object.keys(entry.headers)).toEqual(["Authorization"]);

    const h = await createHarness({ mcp: createMcpHttpHandler() });
    try {
      const listening = new URL((await h.server.listen({ hostname: "127.0.0.1" })).url);
      // The documented URL and headers, with this server's port and a real key for the placeholder.
      documented.port = listening.port;
      const headers = {
        Authorization: entry.headers.Authorization?.replace(/\$\{ISOL8_API_KEY\}/, h.keys.acme) ?? "",
      };
      const client = new Client({ name: "docs-test", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(documented, { requestInit: { headers } }));
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain("run_code");
      await client.close();
    } finally {
      await h.cleanup();
    }
  });
});
