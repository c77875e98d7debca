import { afterEach, describe, expect, it } from "vitest";
import { type Connected, connect, textOf } from "./testing/connect.js";

let connected: Connected | undefined;
afterEach(async () => {
  await connected?.cleanup();
  connected = undefined;
});

describe("sessions over MCP", () => {
  it("keeps files across runs: create, write, run, read, stop", async () => {
    connected = await connect();
    const { engine, server, call: raw } = connected;
    const call = async (name: string, args: Record<string, unknown>) => {
      const result = await raw(name, args);
      expect(result.isError, textOf(result)).toBeFalsy();
      return result.structuredContent;
    };

    const created = await call("session_create", { runtime: "python", name: "notebook" });
    expect(created).toEqual({ session: "notebook", runtime: "python", created: true });
    expect(await call("session_create", { runtime: "python", name: "notebook" })).toMatchObject({
      created: false,
    });
    expect((await engine.listSessions()).map((info) => info.name)).toEqual([
      `mcp-${server.connectionId}-notebook`,
    ]);

    expect(await call("write_file", { session: "notebook", path: "in.txt", content: "héllo" })).toEqual({
      path: "in.txt",
      bytes: 6,
    });
    const run = await call("session_run", { session: "notebook", code: "cat in.txt\nwrite out.txt HELLO" });
    expect(run).toMatchObject({ stdout: "héllo", exitCode: 0 });
    expect(await call("read_file", { session: "notebook", path: "out.txt" })).toEqual({
      path: "out.txt",
      content: "HELLO",
      encoding: "utf8",
      bytes: 5,
    });

    const binary = Buffer.from([0xff, 0xfe, 0x00]).toString("base64");
    await call("write_file", { session: "notebook", path: "b.bin", content: binary, encoding: "base64" });
    expect(await call("read_file", { session: "notebook", path: "b.bin" })).toMatchObject({
      content: binary,
      encoding: "base64",
    });
    const asText = await raw("read_file", { session: "notebook", path: "b.bin", encoding: "utf8" });
    expect(textOf(asText)).toMatch(/^INVALID_INPUT: "b.bin" is not valid UTF-8 text/);
    const missing = await raw("read_file", { session: "notebook", path: "nope" });
    expect(textOf(missing)).toBe('FILE_NOT_FOUND: cannot read "nope": no such file');

    expect(await call("session_stop", { session: "notebook" })).toEqual({
      session: "notebook",
      stopped: true,
    });
    expect(await engine.listSessions()).toEqual([]);
  });

  it("names sessions s1, s2, … and refuses another runtime under a taken name", async () => {
    connected = await connect();
    const { call } = connected;
    const first = await call("session_create", { runtime: "python" });
    const second = await call("session_create", { runtime: "node" });
    expect([first.structuredContent?.session, second.structuredContent?.session]).toEqual(["s1", "s2"]);
    const clash = await call("session_create", { runtime: "node", name: "s1" });
    expect(textOf(clash)).toMatch(/^INVALID_INPUT: session "s1" runs python, not node/);
  });

  it("caps the sessions of one connection", async () => {
    connected = await connect({ policy: { maxSessions: 1 } });
    const { call } = connected;
    await call("session_create", { runtime: "python" });
    const over = await call("session_create", { runtime: "python" });
    expect(textOf(over)).toMatch(/^POLICY_DENIED: this connection already has 1 of 1 sessions/);
  });

  it("keeps two connections' sessions apart even under the same name", async () => {
    const a = await connect();
    const b = await connect({ engine: a.engine });
    try {
      await a.call("session_create", { runtime: "python", name: "work" });
      await a.call("write_file", { session: "work", path: "secret.txt", content: "a's" });
      await b.call("session_create", { runtime: "python", name: "work" });
      const read = await b.call("read_file", { session: "work", path: "secret.txt" });
      expect(textOf(read)).toMatch(/^FILE_NOT_FOUND/);
      expect(await a.engine.listSessions()).toHaveLength(2);
    } finally {
      await b.cleanup();
      await a.cleanup();
    }
  });

  it("stops the connection's sessions when the transport closes", async () => {
    connected = await connect();
    const { client, call, engine, server } = connected;
    await call("session_create", { runtime: "python" });
    await call("session_create", { runtime: "node" });
    expect(await engine.listSessions()).toHaveLength(2);
    // The client leaving is what closes the transport; the server notices on its own.
    await client.close();
    await server.closed;
    expect(await engine.listSessions()).toEqual([]);
  });
});
