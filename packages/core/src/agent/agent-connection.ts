import type { Readable, Writable } from "node:stream";
import { Isol8Error } from "../errors.js";
import { PROGRAM_SIGNAL_NUMBERS, type ProgramInput } from "../program-input.js";
import { type AgentFrame, AgentFrameDecoder, encodeHostFrame } from "./protocol.js";

export interface CommandSpec {
  argv: string[];
  env: string[];
  cwd: string;
  stdin?: Uint8Array | undefined;
  /** Live stdin and signals while the command runs; stdin then stays open until "stdin-end" or the input's end. */
  input?: AsyncIterable<ProgramInput> | undefined;
}

export interface CommandHandlers {
  onStdout: (chunk: Buffer) => void;
  onStderr: (chunk: Buffer) => void;
}

export interface CommandExit {
  code: number;
  signal: number;
  oomKills: number;
}

type Waiter = {
  accept: (frame: AgentFrame) => boolean;
  resolve: (frame: AgentFrame) => void;
  reject: (e: Error) => void;
};

/** Stdin goes to the agent in frames of at most this size, so one large write cannot approach the frame limit. */
const STDIN_FRAME_BYTES = 1024 * 1024;

/**
 * How bytes reach the agent and come back: a container's attached stdio (Docker), an exec stream (Kubernetes), a
 * pipe in tests. The engine that opened it owns the transport; the connection only reads, writes and closes it.
 */
export interface AgentStreams {
  /** The agent's stdin: host frames go here. */
  input: Writable;
  /** The agent's stdout: agent frames come from here. */
  output: Readable;
  /** The agent's stderr: diagnostics for error messages. */
  diagnostics?: Readable;
  /** Ends the transport in both directions. */
  close(): void;
  /** Called once when the transport ends (the sandbox stopped, was killed, or the connection broke). */
  onEnd(listener: (error?: Error) => void): void;
}

/**
 * Talks to the isol8 agent in a sandbox over its stdin/stdout, whatever carries them. One request at a time; a
 * command's output frames stream to handlers until its exit frame, which arrives the instant the program exits —
 * no waiting for the sandbox to stop.
 */
export class AgentConnection {
  private readonly streams: AgentStreams;
  private readonly decoder = new AgentFrameDecoder();
  private readonly diagnostics: string[] = [];
  private waiters: Waiter[] = [];
  /** Replies that arrived before anyone waited for them (the hello can beat `ready()`). */
  private unclaimed: AgentFrame[] = [];
  private handlers: CommandHandlers | undefined;
  private endedError: Error | undefined;
  private started = 0;

  constructor(streams: AgentStreams) {
    this.streams = streams;
    streams.output.on("data", (chunk: Buffer) => this.receive(chunk));
    streams.diagnostics?.on("data", (chunk: Buffer) => {
      this.diagnostics.push(chunk.toString());
      if (this.diagnostics.length > 20) this.diagnostics.shift();
    });
    streams.onEnd((error) =>
      this.fail(error ?? new Isol8Error("SANDBOX_FAILED", "The sandbox ended unexpectedly")),
    );
    // A write after the far end went away must surface as the end of the sandbox, not as an unhandled error.
    streams.input.on("error", (error) => this.fail(error));
  }

  /** Waits for the agent's hello. */
  async ready(): Promise<void> {
    await this.next((frame) => frame.type === "hello");
  }

  /** Commands the agent started on this connection. */
  get commandsStarted(): number {
    return this.started;
  }

  /** False once the connection ended (the sandbox stopped or was killed). */
  get alive(): boolean {
    return this.endedError === undefined;
  }

  /** What the agent wrote to its stderr, for error messages. */
  get diagnosticText(): string {
    return this.diagnostics.join("").trim();
  }

  async writeFile(path: string, content: Uint8Array, mode: number): Promise<void> {
    this.send({ type: "file", path, mode, content });
    const reply = await this.next((frame) => frame.type === "file-ok" || frame.type === "error");
    if (reply.type === "error") {
      throw new Isol8Error("INVALID_INPUT", reply.message);
    }
  }

  async readFile(path: string): Promise<Buffer> {
    this.send({ type: "read", path });
    const reply = await this.next((frame) => frame.type === "file-content" || frame.type === "error");
    if (reply.type === "error") {
      throw new Isol8Error("INVALID_INPUT", reply.message);
    }
    return reply.type === "file-content" ? reply.content : Buffer.alloc(0);
  }

  /** Runs a command to completion, streaming its output to the handlers. */
  async run(spec: CommandSpec, handlers: CommandHandlers): Promise<CommandExit> {
    this.handlers = handlers;
    try {
      // All at once: the agent handles frames in order, and drops stdin frames when the command did not start.
      this.send({ type: "command", cwd: spec.cwd, argv: spec.argv, env: spec.env });
      if (spec.stdin && spec.stdin.length > 0) this.sendStdin(spec.stdin);
      if (!spec.input) this.send({ type: "stdin-close" });
      const started = await this.next((frame) => frame.type === "started" || frame.type === "error");
      if (started.type === "error") {
        throw new Isol8Error("INVALID_INPUT", `Cannot start ${spec.argv[0]}: ${started.message}`);
      }
      this.started++;
      const exited = this.next((frame) => frame.type === "exit");
      if (spec.input) void this.forwardInput(spec.input, exited);
      const exit = await exited;
      return exit.type === "exit"
        ? { code: exit.code, signal: exit.signal, oomKills: exit.oomKills }
        : never();
    } finally {
      this.handlers = undefined;
    }
  }

  /**
   * Relays live input to the running command until it exits. Input that arrives after the exit is dropped: it must
   * never reach the next command of a session.
   */
  private async forwardInput(input: AsyncIterable<ProgramInput>, exited: Promise<unknown>): Promise<void> {
    const iterator = input[Symbol.asyncIterator]();
    let over = false;
    const ended = exited.then(
      () => undefined,
      () => undefined,
    );
    void ended.then(() => {
      over = true;
    });
    try {
      for (;;) {
        const next = await Promise.race([iterator.next(), ended]);
        if (over) return;
        if (!next || next.done) break;
        const event = next.value;
        if (event.type === "stdin") this.sendStdin(Buffer.from(event.data));
        else if (event.type === "stdin-end") this.send({ type: "stdin-close" });
        else this.send({ type: "signal", signal: PROGRAM_SIGNAL_NUMBERS[event.signal] });
      }
      // The input ended before the command did: that is end-of-file on its stdin.
      this.send({ type: "stdin-close" });
    } catch {
      // The connection ended: the command's own wait reports that.
    } finally {
      void iterator.return?.();
    }
  }

  private sendStdin(data: Uint8Array): void {
    for (let offset = 0; offset < data.length; offset += STDIN_FRAME_BYTES) {
      this.send({ type: "stdin", data: data.subarray(offset, offset + STDIN_FRAME_BYTES) });
    }
  }

  /** Kills the running command and everything else the sandbox user started. */
  kill(): void {
    this.send({ type: "kill" });
  }

  /**
   * Confirms that an agent attached to mid-life (no hello this time) answers: a read of a path that cannot exist
   * gets its error reply, and anything older than that reply is dropped.
   */
  async sync(): Promise<void> {
    this.send({ type: "read", path: `/sandbox/.isol8-sync-${process.pid}-${Date.now()}` });
    await this.next((frame) => frame.type === "error" || frame.type === "file-content");
    this.unclaimed = [];
  }

  /** Closes the connection without asking the agent to quit; a kept-alive sandbox runs on. */
  detach(): void {
    this.streams.close();
  }

  /** Ends the agent (and with it a single-use sandbox) and closes the connection. */
  close(): void {
    if (!this.endedError) this.send({ type: "quit" });
    this.streams.close();
  }

  private send(frame: Parameters<typeof encodeHostFrame>[0]): void {
    if (this.endedError) throw this.endedError;
    this.streams.input.write(encodeHostFrame(frame));
  }

  private next(accept: Waiter["accept"]): Promise<AgentFrame> {
    const index = this.unclaimed.findIndex(accept);
    if (index >= 0) return Promise.resolve(this.unclaimed.splice(index, 1)[0] as AgentFrame);
    if (this.endedError) return Promise.reject(this.endedError);
    return new Promise((resolve, reject) => this.waiters.push({ accept, resolve, reject }));
  }

  private receive(chunk: Buffer): void {
    for (const frame of this.decoder.push(chunk)) {
      if (frame.type === "stdout") this.handlers?.onStdout(frame.data);
      else if (frame.type === "stderr") this.handlers?.onStderr(frame.data);
      else {
        const index = this.waiters.findIndex((waiter) => waiter.accept(frame));
        if (index >= 0) this.waiters.splice(index, 1)[0]?.resolve(frame);
        else this.unclaimed.push(frame);
      }
    }
  }

  private fail(error: Error): void {
    if (this.endedError) return;
    this.endedError = error;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }
}

function never(): never {
  throw new Isol8Error("INTERNAL", "unexpected agent frame");
}
