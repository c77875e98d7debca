import { PROGRAM_SIGNAL_NUMBERS, type ProgramInput, type ProgramSignal } from "@isol8/core";

/**
 * The stdin and signals of one fake run, as a real sandbox gives them to a program: `request.stdin` first, then
 * live input until "stdin-end" or the input's end; a signal stops the program, which then reports 128+n.
 */
export interface FakeStdin {
  /** The next chunk of stdin; undefined at end-of-file or once a signal arrived. */
  read(): Promise<string | undefined>;
  /** Aborts when a signal arrives, so a sleeping or reading program stops at once. */
  readonly stopped: AbortSignal;
  /** The signal that ended the program, if one did. */
  readonly signal: ProgramSignal | undefined;
  /** The exit code a program ended by `signal` reports. */
  readonly signalExitCode: number | undefined;
  /** Stops reading input: the run is over, and later input must reach no other run. */
  close(): void;
}

export function createFakeStdin(
  initial: string | undefined,
  input: AsyncIterable<ProgramInput> | undefined,
): FakeStdin {
  const chunks: string[] = initial ? [initial] : [];
  const decoder = new TextDecoder();
  const stop = new AbortController();
  let ended = input === undefined;
  let signal: ProgramSignal | undefined;
  let closed = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  stop.signal.addEventListener("abort", notify);

  if (input) {
    void (async () => {
      try {
        for await (const event of input) {
          if (closed) return;
          if (event.type === "stdin") {
            chunks.push(typeof event.data === "string" ? event.data : decoder.decode(event.data));
          } else if (event.type === "stdin-end") {
            ended = true;
          } else {
            signal = event.signal;
            stop.abort(event.signal);
          }
          notify();
        }
      } finally {
        ended = true;
        notify();
      }
    })();
  }

  return {
    async read() {
      for (;;) {
        if (stop.signal.aborted) return undefined;
        const chunk = chunks.shift();
        if (chunk !== undefined) return chunk;
        if (ended) return undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
    stopped: stop.signal,
    get signal() {
      return signal;
    },
    get signalExitCode() {
      return signal === undefined ? undefined : 128 + PROGRAM_SIGNAL_NUMBERS[signal];
    },
    close() {
      closed = true;
      notify();
    },
  };
}
