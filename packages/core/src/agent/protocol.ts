/**
 * Wire codec for the in-container agent (docker/agent/isol8-agent.c).
 *
 * Every frame, in both directions: 1 byte type (ASCII), u32 big-endian payload length, payload.
 * Host → agent: F (write file), R (read file), C (run command), I (stdin data), i (close stdin), G (signal the
 * command's process group), K (kill), Q (quit).
 * Agent → host: H (hello), f (file written), r (file content), e (error), S (started), O/E (output), X (exit).
 *
 * Each F, R and C gets exactly one reply, in the order sent: `f`/`r`/`S` or `e`. O, E and X belong to the running
 * command and may interleave with those replies. K with no command running kills stray processes and sends nothing;
 * G sends nothing either (and does nothing once the command has exited).
 */

export const AGENT_PROTOCOL_VERSION = "isol8-agent/2";

/** Largest payload either side accepts; the agent exits (code 2) on a larger frame. */
export const MAX_FRAME_PAYLOAD = 64 * 1024 * 1024;

const HEADER_SIZE = 5;
const NUL = Buffer.from([0]);

export type HostFrame =
  | { type: "file"; path: string; mode: number; content: Uint8Array }
  | { type: "read"; path: string }
  | { type: "command"; cwd: string; argv: string[]; env: string[] } // env entries "K=V"
  | { type: "stdin"; data: Uint8Array }
  | { type: "stdin-close" }
  /** A Linux signal number for the running command's process group. */
  | { type: "signal"; signal: number }
  | { type: "kill" }
  | { type: "quit" };

export type AgentFrame =
  | { type: "hello"; version: string }
  | { type: "file-ok" }
  | { type: "file-content"; content: Buffer }
  | { type: "error"; message: string }
  | { type: "started"; pid: number }
  | { type: "stdout"; data: Buffer }
  | { type: "stderr"; data: Buffer }
  | { type: "exit"; code: number; signal: number; oomKills: number };

function frame(type: string, payload: Uint8Array = Buffer.alloc(0)): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) {
    throw new Error(`agent frame payload of ${payload.length} bytes exceeds the 64 MiB limit`);
  }
  const header = Buffer.alloc(HEADER_SIZE);
  header.write(type, 0, "latin1");
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

/** NUL ends each string on the wire, so a NUL inside one would silently split it. */
function cString(what: string, value: string): Buffer {
  if (value.includes("\0"))
    throw new Error(`${what} must not contain a NUL character: ${JSON.stringify(value)}`);
  return Buffer.from(`${value}\0`, "utf8");
}

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

/** The path without its terminating NUL (the read frame's payload is the path alone). */
function filePath(path: string): Buffer {
  if (path === "") throw new Error("file path must not be empty");
  return cString("file path", path).subarray(0, -1);
}

function encodeCommand(cwd: string, argv: string[], env: string[]): Buffer {
  if (argv.length === 0 || argv[0] === "") throw new Error("command argv must start with a program name");
  for (const entry of env) {
    if (entry.indexOf("=") < 1)
      throw new Error(`environment entry must look like K=V: ${JSON.stringify(entry)}`);
  }
  // The argument count comes first so that empty arguments (`sh -c ''`) stay expressible.
  return Buffer.concat([
    u32(argv.length),
    cString("working directory", cwd),
    ...argv.map((arg) => cString("command argument", arg)),
    ...env.map((entry) => cString("environment entry", entry)),
  ]);
}

/** Encodes one host → agent frame; throws on input the wire cannot carry faithfully. */
export function encodeHostFrame(hostFrame: HostFrame): Buffer {
  switch (hostFrame.type) {
    case "file": {
      const { mode } = hostFrame;
      if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) {
        throw new Error(`file mode must be an integer between 0 and 0o777, got ${mode}`);
      }
      return frame("F", Buffer.concat([u32(mode), filePath(hostFrame.path), NUL, hostFrame.content]));
    }
    case "read":
      return frame("R", filePath(hostFrame.path));
    case "command":
      return frame("C", encodeCommand(hostFrame.cwd, hostFrame.argv, hostFrame.env));
    case "stdin":
      return frame("I", hostFrame.data);
    case "stdin-close":
      return frame("i");
    case "signal": {
      const { signal } = hostFrame;
      if (!Number.isInteger(signal) || signal < 1 || signal > 64) {
        throw new Error(`signal must be an integer between 1 and 64, got ${signal}`);
      }
      return frame("G", u32(signal));
    }
    case "kill":
      return frame("K");
    case "quit":
      return frame("Q");
  }
}

const AGENT_TYPES = new Set(["H", "f", "r", "e", "S", "O", "E", "X"]);
const FIXED_SIZES: Record<string, number> = { f: 0, S: 4, X: 12 };

function unknownType(type: string): Error {
  return new Error(`unknown agent frame type 0x${type.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

function decodePayload(type: string, payload: Buffer): AgentFrame {
  const fixed = FIXED_SIZES[type];
  if (fixed !== undefined && payload.length !== fixed) {
    throw new Error(`agent frame "${type}" must carry ${fixed} bytes, got ${payload.length}`);
  }
  switch (type) {
    case "H":
      return { type: "hello", version: payload.toString("utf8") };
    case "f":
      return { type: "file-ok" };
    case "r":
      return { type: "file-content", content: payload };
    case "e":
      return { type: "error", message: payload.toString("utf8") };
    case "S":
      return { type: "started", pid: payload.readUInt32BE(0) };
    case "O":
      return { type: "stdout", data: payload };
    case "E":
      return { type: "stderr", data: payload };
    case "X":
      return {
        type: "exit",
        code: payload.readInt32BE(0),
        signal: payload.readInt32BE(4),
        oomKills: payload.readUInt32BE(8),
      };
    default:
      throw unknownType(type);
  }
}

/**
 * Incremental decoder: push raw bytes of the agent's stdout, get complete frames back.
 * Throws on a malformed stream (unknown type, oversized or mis-sized payload); the decoder is unusable afterwards.
 */
export class AgentFrameDecoder {
  // Chunks are kept as received and joined once per frame: concatenating on every push would be quadratic for a
  // large file read arriving in many small chunks.
  private chunks: Buffer[] = [];
  private buffered = 0;
  private header: { type: string; length: number } | undefined;

  push(chunk: Buffer): AgentFrame[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: AgentFrame[] = [];
    for (;;) {
      if (this.header === undefined) {
        if (this.buffered < HEADER_SIZE) return frames;
        const raw = this.take(HEADER_SIZE);
        const type = String.fromCharCode(raw[0] ?? 0);
        const length = raw.readUInt32BE(1);
        if (length > MAX_FRAME_PAYLOAD) {
          throw new Error(`agent frame "${type}" announces ${length} bytes, over the 64 MiB limit`);
        }
        // Fail on the header already: waiting for the payload of an unknown type could wait forever.
        if (!AGENT_TYPES.has(type)) throw unknownType(type);
        this.header = { type, length };
      }
      if (this.buffered < this.header.length) return frames;
      frames.push(decodePayload(this.header.type, this.take(this.header.length)));
      this.header = undefined;
    }
  }

  /** Removes and returns exactly `size` bytes as a buffer of its own (never a view into a caller's chunk). */
  private take(size: number): Buffer {
    const out = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const head = this.chunks[0];
      if (head === undefined) throw new Error("agent frame decoder ran out of buffered bytes");
      const used = Math.min(head.length, size - filled);
      head.copy(out, filled, 0, used);
      filled += used;
      if (used === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(used);
    }
    this.buffered -= size;
    return out;
  }
}
