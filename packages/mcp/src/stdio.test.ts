import { PassThrough } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { createFakeEngine } from "../../server/src/testing/fake-engine.js";
import { serveMcpOverStdio } from "./stdio.js";

/** The client's end of a pair of pipes: what an agent that started `isol8 mcp` holds. */
function pipeTransport(toServer: PassThrough, fromServer: PassThrough): Transport {
  const buffer = new ReadBuffer();
  const transport: Transport = {
    async start() {
      fromServer.on("data", (chunk: Buffer) => {
        buffer.append(chunk);
        for (let message = buffer.readMessage(); message; message = buffer.readMessage()) {
          transport.onmessage?.(message);
        }
      });
    },
    async send(message: JSONRPCMessage) {
      toServer.write(serializeMessage(message));
    },
    async close() {
      // An agent that goes away closes the server's stdin, nothing more.
      toServer.end();
      transport.onclose?.();
    },
  };
  return transport;
}

describe("serveMcpOverStdio", () => {
  it("serves tools over stdin/stdout and stops its sessions when stdin ends", async () => {
    const engine = createFakeEngine();
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const server = await serveMcpOverStdio({ engine, stdin, stdout });
    const client = new Client({ name: "isol8-stdio-test", version: "1.0.0" });
    await client.connect(pipeTransport(stdin, stdout));

    const result = await client.callTool({
      name: "run_code",
      arguments: { runtime: "node", code: "print piped" },
    });
    expect(result.structuredContent).toMatchObject({ stdout: "piped\n", exitCode: 0 });
    await client.callTool({ name: "session_create", arguments: { runtime: "python" } });
    expect(await engine.listSessions()).toHaveLength(1);

    await client.close();
    await server.closed;
    expect(await engine.listSessions()).toEqual([]);
  });
});
