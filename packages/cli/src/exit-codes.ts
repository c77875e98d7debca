import type { ExecutionResult, Isol8ErrorCode } from "@isol8/core";

/**
 * The one place where failures become exit codes. A program's own exit code passes through unchanged; isol8's
 * failures use codes a program rarely picks, following `timeout` (124) and `docker run` (125).
 */
export const EXIT = {
  /** Bad input: flags, config, names, files, a refused or unreachable --url. Nothing was created. */
  usage: 2,
  /** A setup command failed; the program did not run. */
  setupFailed: 122,
  /** A run-time package install failed; the program did not run. */
  installFailed: 123,
  /** The program was killed at its timeout. */
  timedOut: 124,
  /** isol8 or the engine failed (no engine, image build or push, sandbox). */
  engine: 125,
  /** Cancelled with Ctrl-C. */
  cancelled: 130,
  /** The program ran out of memory (killed by SIGKILL). */
  outOfMemory: 137,
} as const;

const BY_CODE: Record<Isol8ErrorCode, number> = {
  INVALID_INPUT: EXIT.usage,
  CONFIG_INVALID: EXIT.usage,
  RUNTIME_UNKNOWN: EXIT.usage,
  RUNTIME_INVALID: EXIT.usage,
  RUNTIME_LOAD_FAILED: EXIT.usage,
  PACKAGE_NAME_INVALID: EXIT.usage,
  FILE_NOT_FOUND: EXIT.usage,
  IMAGE_NOT_ISOL8: EXIT.usage,
  URL_REFUSED: EXIT.usage,
  URL_FETCH_FAILED: EXIT.usage,
  INSTALL_FAILED: EXIT.installFailed,
  SETUP_FAILED: EXIT.setupFailed,
  ENGINE_UNAVAILABLE: EXIT.engine,
  IMAGE_MISSING: EXIT.engine,
  IMAGE_BUILD_FAILED: EXIT.engine,
  IMAGE_PUSH_FAILED: EXIT.engine,
  SANDBOX_FAILED: EXIT.engine,
  INTERNAL: EXIT.engine,
  CANCELLED: EXIT.cancelled,
  // A server's answers (isol8 run --host): a bad key, a foreign session or a request above policy is the user's
  // to fix; a full queue is the service's state, like an engine that does not answer.
  UNAUTHORIZED: EXIT.usage,
  FORBIDDEN: EXIT.usage,
  NOT_FOUND: EXIT.usage,
  POLICY_DENIED: EXIT.usage,
  PAYLOAD_TOO_LARGE: EXIT.usage,
  BUSY: EXIT.engine,
};

export function exitCodeFor(code: Isol8ErrorCode): number {
  return BY_CODE[code];
}

/** A finished run's exit code: the program's own, unless isol8 stopped it at the timeout or it ran out of memory. */
export function exitCodeForResult(
  result: Pick<ExecutionResult, "exitCode" | "timedOut" | "oomKilled">,
): number {
  if (result.timedOut) return EXIT.timedOut;
  if (result.oomKilled) return EXIT.outOfMemory;
  return result.exitCode;
}
