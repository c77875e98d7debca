import { PassThrough } from "node:stream";
import type { AgentStreams } from "@isol8/core";

/** What a fake program does: print and exit, or hang until killed. */
export type FakeProgram = (command: {
  argv: string[];
  env: string[];
  stdin: string;
}) => { stdout?: string; stderr?: string; code?: number } | "hang";

function frame(type: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, "latin1");
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

function exitFrame(code: number, signal: number): Buffer {
  const payload = Buffer.alloc(12);
  payload.writeInt32BE(code, 0);
  payload.writeInt32BE(signal, 4);
  return frame("X", payload);
}

/**
 * A stand-in for docker/agent/isol8-agent.c that speaks its wire protocol over in-memory streams, so that the
 * adapter's whole execution path runs in unit tests: files in /sandbox, commands, stdin, kill, quit.
 */
export function fakeAgent(program: FakeProgram, files: Map<string, Buffer>): AgentStreams {
  const input = new PassThrough();
  const output = new PassThrough();
  const listeners: Array<() => void> = [];
  let running: { argv: string[]; env: string[]; stdin: Buffer[] } | undefined;
  let buffered = Buffer.alloc(0);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    output.end();
    for (const listener of listeners) listener();
  };
  const finish = (result: { stdout?: string; stderr?: string; code?: number }) => {
    if (result.stdout) output.write(frame("O", Buffer.from(result.stdout)));
    if (result.stderr) output.write(frame("E", Buffer.from(result.stderr)));
    output.write(exitFrame(result.code ?? 0, 0));
    running = undefined;
  };
  const start = () => {
    if (!running) return;
    const outcome = program({
      argv: running.argv,
      env: running.env,
      stdin: Buffer.concat(running.stdin).toString(),
    });
    if (outcome !== "hang") finish(outcome);
  };
  const handle = (type: string, payload: Buffer) => {
    const path = (raw: Buffer) => raw.toString().replace(/^\/sandbox\//, "");
    switch (type) {
      case "F": {
        const nul = payload.indexOf(0, 4);
        files.set(path(payload.subarray(4, nul)), payload.subarray(nul + 1));
        output.write(frame("f"));
        break;
      }
      case "R": {
        const content = files.get(path(payload));
        output.write(content ? frame("r", content) : frame("e", Buffer.from("No such file or directory")));
        break;
      }
      case "C": {
        const argc = payload.readUInt32BE(0);
        const strings = payload.subarray(4).toString().split("\0").slice(0, -1);
        running = { argv: strings.slice(1, 1 + argc), env: strings.slice(1 + argc), stdin: [] };
        const pid = Buffer.alloc(4);
        pid.writeUInt32BE(42);
        output.write(frame("S", pid));
        break;
      }
      case "I":
        running?.stdin.push(payload);
        break;
      case "i":
        start();
        break;
      case "K":
        if (running) {
          output.write(exitFrame(137, 9));
          running = undefined;
        }
        break;
      case "Q":
        end();
        break;
    }
  };
  input.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 5) {
      const length = buffered.readUInt32BE(1);
      if (buffered.length < 5 + length) return;
      const type = String.fromCharCode(buffered[0] ?? 0);
      const payload = buffered.subarray(5, 5 + length);
      buffered = buffered.subarray(5 + length);
      handle(type, payload);
    }
  });
  output.write(frame("H", Buffer.from("isol8-agent/2")));
  return {
    input,
    output,
    close: end,
    onEnd: (listener) => {
      if (ended) listener();
      else listeners.push(listener);
    },
  };
}
