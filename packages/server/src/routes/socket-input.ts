import { createProgramInput, Isol8Error, type ProgramInput } from "@isol8/core";
import type { SocketInputFrame } from "../wire/socket-schemas.js";

/** A client's input frames on their way to the engine, held until the engine takes them. */
export interface SocketInput {
  /** `ExecuteOptions.input`; ends after close(). */
  readonly events: AsyncIterable<ProgramInput>;
  /** Queues a frame; PAYLOAD_TOO_LARGE once more than the cap waits for the engine. */
  push(frame: SocketInputFrame): void;
  /** No more input: the socket closed or the run is over. */
  close(): void;
}

/**
 * Input sent while the execution waits for a slot, a sandbox or an install is held in memory until the program
 * starts; `maxPendingBytes` bounds it, so a client cannot fill the server's memory by sending stdin to a program
 * that has not started (or does not read).
 */
export function createSocketInput(maxPendingBytes: number): SocketInput {
  const source = createProgramInput();
  let pending = 0;
  async function* counted(): AsyncGenerator<ProgramInput> {
    for await (const event of source.input) {
      if (event.type === "stdin") pending -= event.data.length;
      yield event;
    }
  }
  return {
    events: counted(),
    push(frame) {
      if (frame.type === "stdin") {
        const data = new Uint8Array(Buffer.from(frame.data, "base64"));
        if (pending + data.length > maxPendingBytes) {
          throw new Isol8Error(
            "PAYLOAD_TOO_LARGE",
            `more than ${maxPendingBytes} bytes of stdin are waiting for the program`,
            { hint: "Send stdin as the program reads it, or pass it whole as request.stdin." },
          );
        }
        pending += data.length;
        source.write(data);
      } else if (frame.type === "stdin-end") {
        source.end();
      } else {
        source.signal(frame.signal);
      }
    },
    close: () => source.close(),
  };
}
