/** Signals a client may send to a running program. */
export type ProgramSignal = "SIGINT" | "SIGTERM" | "SIGKILL";

export const PROGRAM_SIGNALS: readonly ProgramSignal[] = ["SIGINT", "SIGTERM", "SIGKILL"];

/** Linux numbers of the signals above (the sandbox is Linux whatever the host is). */
export const PROGRAM_SIGNAL_NUMBERS: Readonly<Record<ProgramSignal, number>> = {
  SIGINT: 2,
  SIGKILL: 9,
  SIGTERM: 15,
};

/** Sent to a running program from outside. */
export type ProgramInput =
  /** Bytes (or UTF-8 text) for the program's stdin. */
  | { type: "stdin"; data: Uint8Array | string }
  /** Closes the program's stdin: it reads end-of-file once what was sent is consumed. */
  | { type: "stdin-end" }
  /** Sent to the program's whole process group. */
  | { type: "signal"; signal: ProgramSignal };

export interface ProgramInputSource {
  /** Pass this as `ExecuteOptions.input`. It can be iterated once. */
  readonly input: AsyncIterable<ProgramInput>;
  write(data: Uint8Array | string): void;
  /** Closes the program's stdin. */
  end(): void;
  signal(signal: ProgramSignal): void;
  /** No more input of any kind; what was queued is still delivered. */
  close(): void;
}

/**
 * A push-style source for `ExecuteOptions.input`: what is pushed before the engine reads is queued, in order, so
 * nothing sent before the program started is lost. Pushing after `close()` is ignored.
 */
export function createProgramInput(): ProgramInputSource {
  const queue: ProgramInput[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  const push = (event: ProgramInput) => {
    if (closed) return;
    queue.push(event);
    wake?.();
  };
  async function* iterate(): AsyncGenerator<ProgramInput> {
    for (;;) {
      const event = queue.shift();
      if (event) {
        yield event;
        continue;
      }
      if (closed) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  }
  return {
    input: iterate(),
    write: (data) => push({ type: "stdin", data }),
    end: () => push({ type: "stdin-end" }),
    signal: (signal) => push({ type: "signal", signal }),
    close: () => {
      closed = true;
      wake?.();
    },
  };
}
