import { describe, expect, it } from "vitest";
import { type AgentFrame, AgentFrameDecoder, encodeHostFrame, MAX_FRAME_PAYLOAD } from "./protocol.js";

function agentFrame(type: string, payload: Uint8Array = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

function exitPayload(code: number, signal: number, oomKills: number): Buffer {
  const payload = Buffer.alloc(12);
  payload.writeInt32BE(code, 0);
  payload.writeInt32BE(signal, 4);
  payload.writeUInt32BE(oomKills, 8);
  return payload;
}

function pid(value: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(value);
  return payload;
}

const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** A stream covering every agent frame type, with the frames it must decode to. */
const stream = Buffer.concat([
  agentFrame("H", Buffer.from("isol8-agent/2")),
  agentFrame("f"),
  agentFrame("r", binary),
  agentFrame("e", Buffer.from('cannot read "x": ".." is not allowed — ü')),
  agentFrame("S", pid(4242)),
  agentFrame("O", Buffer.from("out\n")),
  agentFrame("E", Buffer.alloc(0)),
  agentFrame("X", exitPayload(137, 9, 2)),
]);
const expected: AgentFrame[] = [
  { type: "hello", version: "isol8-agent/2" },
  { type: "file-ok" },
  { type: "file-content", content: binary },
  { type: "error", message: 'cannot read "x": ".." is not allowed — ü' },
  { type: "started", pid: 4242 },
  { type: "stdout", data: Buffer.from("out\n") },
  { type: "stderr", data: Buffer.alloc(0) },
  { type: "exit", code: 137, signal: 9, oomKills: 2 },
];

/** Splits a host frame back into its parts, as the agent reads them. */
function parseHost(bytes: Buffer): { type: string; payload: Buffer } {
  expect(bytes.readUInt32BE(1)).toBe(bytes.length - 5);
  return { type: String.fromCharCode(bytes[0] ?? 0), payload: bytes.subarray(5) };
}

describe("AgentFrameDecoder", () => {
  it("decodes several frames from one chunk", () => {
    expect(new AgentFrameDecoder().push(stream)).toEqual(expected);
  });

  it("decodes the same frames when the stream is split at every byte boundary", () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new AgentFrameDecoder();
      const frames = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      expect(frames).toEqual(expected);
    }
  });

  it("decodes the stream fed one byte at a time", () => {
    const decoder = new AgentFrameDecoder();
    const frames: AgentFrame[] = [];
    for (const byte of stream) frames.push(...decoder.push(Buffer.from([byte])));
    expect(frames).toEqual(expected);
  });

  it("hands out payloads that do not alias the pushed chunk", () => {
    const chunk = agentFrame("O", Buffer.from("abc"));
    const [frame] = new AgentFrameDecoder().push(chunk);
    chunk.fill(0);
    expect(frame).toEqual({ type: "stdout", data: Buffer.from("abc") });
  });

  it("reads negative and large exit fields with their signedness", () => {
    const [frame] = new AgentFrameDecoder().push(agentFrame("X", exitPayload(-1, 0, 0xffffffff)));
    expect(frame).toEqual({ type: "exit", code: -1, signal: 0, oomKills: 0xffffffff });
  });

  it("throws on an unknown frame type as soon as the header arrives", () => {
    const decoder = new AgentFrameDecoder();
    expect(decoder.push(agentFrame("H", Buffer.from("v")))).toHaveLength(1);
    expect(() => decoder.push(agentFrame("Z", Buffer.alloc(3)).subarray(0, 5))).toThrow(
      /unknown agent frame type 0x5a/,
    );
  });

  it("throws on a payload over 64 MiB and on fixed-size frames of the wrong size", () => {
    const huge = Buffer.from([0x4f, 0, 0, 0, 0]);
    huge.writeUInt32BE(MAX_FRAME_PAYLOAD + 1, 1);
    expect(() => new AgentFrameDecoder().push(huge)).toThrow(/over the 64 MiB limit/);
    expect(() => new AgentFrameDecoder().push(agentFrame("X", Buffer.alloc(8)))).toThrow(
      /must carry 12 bytes/,
    );
    expect(() => new AgentFrameDecoder().push(agentFrame("f", Buffer.alloc(1)))).toThrow(
      /must carry 0 bytes/,
    );
  });
});

describe("encodeHostFrame", () => {
  it("encodes a file frame as mode, path, NUL, content", () => {
    const { type, payload } = parseHost(
      encodeHostFrame({ type: "file", path: "dir/é.bin", mode: 0o755, content: binary }),
    );
    expect(type).toBe("F");
    expect(payload.readUInt32BE(0)).toBe(0o755);
    const nul = payload.indexOf(0, 4);
    expect(payload.subarray(4, nul).toString("utf8")).toBe("dir/é.bin");
    expect(payload.subarray(nul + 1)).toEqual(binary);
  });

  it("encodes a read frame as the bare path", () => {
    expect(parseHost(encodeHostFrame({ type: "read", path: "/sandbox/a" }))).toEqual({
      type: "R",
      payload: Buffer.from("/sandbox/a"),
    });
  });

  it("encodes a command as argc, then cwd, argv and env, each NUL-terminated", () => {
    const { type, payload } = parseHost(
      encodeHostFrame({ type: "command", cwd: "/sandbox", argv: ["sh", "-c", ""], env: ["A=1", "B="] }),
    );
    expect(type).toBe("C");
    expect(payload.readUInt32BE(0)).toBe(3);
    expect(payload.subarray(4).toString("utf8").split("\0")).toEqual([
      "/sandbox",
      "sh",
      "-c",
      "",
      "A=1",
      "B=",
      "",
    ]);
  });

  it("encodes a command without environment", () => {
    const { payload } = parseHost(encodeHostFrame({ type: "command", cwd: "", argv: ["true"], env: [] }));
    expect(payload).toEqual(Buffer.from([0, 0, 0, 1, 0, ...Buffer.from("true"), 0]));
  });

  it("encodes a signal as its number", () => {
    expect(encodeHostFrame({ type: "signal", signal: 2 })).toEqual(
      Buffer.from("G\0\0\0\x04\0\0\0\x02", "latin1"),
    );
    expect(() => encodeHostFrame({ type: "signal", signal: 0 })).toThrow(/between 1 and 64/);
    expect(() => encodeHostFrame({ type: "signal", signal: 65 })).toThrow(/between 1 and 64/);
  });

  it("encodes stdin, stdin-close, kill and quit", () => {
    expect(parseHost(encodeHostFrame({ type: "stdin", data: binary }))).toEqual({
      type: "I",
      payload: binary,
    });
    expect(encodeHostFrame({ type: "stdin-close" })).toEqual(Buffer.from("i\0\0\0\0", "latin1"));
    expect(encodeHostFrame({ type: "kill" })).toEqual(Buffer.from("K\0\0\0\0", "latin1"));
    expect(encodeHostFrame({ type: "quit" })).toEqual(Buffer.from("Q\0\0\0\0", "latin1"));
  });

  it("rejects NUL inside strings the wire terminates with NUL", () => {
    expect(() => encodeHostFrame({ type: "read", path: "a\0b" })).toThrow(/file path must not contain a NUL/);
    expect(() =>
      encodeHostFrame({ type: "file", path: "a\0", mode: 0o644, content: Buffer.alloc(0) }),
    ).toThrow(/file path must not contain a NUL/);
    expect(() => encodeHostFrame({ type: "command", cwd: "/s\0", argv: ["x"], env: [] })).toThrow(
      /working directory must not contain a NUL/,
    );
    expect(() => encodeHostFrame({ type: "command", cwd: "", argv: ["x", "a\0"], env: [] })).toThrow(
      /command argument must not contain a NUL/,
    );
    expect(() => encodeHostFrame({ type: "command", cwd: "", argv: ["x"], env: ["A=\0"] })).toThrow(
      /environment entry must not contain a NUL/,
    );
  });

  it("rejects frames the agent would refuse", () => {
    expect(() => encodeHostFrame({ type: "command", cwd: "", argv: [], env: [] })).toThrow(/program name/);
    expect(() => encodeHostFrame({ type: "command", cwd: "", argv: ["x"], env: ["NOEQUALS"] })).toThrow(
      /K=V/,
    );
    expect(() => encodeHostFrame({ type: "command", cwd: "", argv: ["x"], env: ["=v"] })).toThrow(/K=V/);
    expect(() => encodeHostFrame({ type: "read", path: "" })).toThrow(/must not be empty/);
    expect(() =>
      encodeHostFrame({ type: "file", path: "a", mode: 0o4755, content: Buffer.alloc(0) }),
    ).toThrow(/file mode/);
    expect(() => encodeHostFrame({ type: "stdin", data: new Uint8Array(MAX_FRAME_PAYLOAD + 1) })).toThrow(
      /exceeds the 64 MiB limit/,
    );
  });
});
