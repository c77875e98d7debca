import { type ExecuteOptions, Isol8Error } from "@isol8/core";

/**
 * Live stdin and signals need a two-way channel (the server's WebSocket endpoint); over request/response HTTP
 * they would be silently dropped, which is worse than a clear refusal.
 */
export function liveInputUnsupported(options: Pick<ExecuteOptions, "input">): void {
  if (options.input !== undefined) {
    throw new Isol8Error(
      "INVALID_INPUT",
      "live input (stdin while running, signals) is not available over HTTP yet",
      {
        hint: "Pass the whole input as request.stdin.",
      },
    );
  }
}
