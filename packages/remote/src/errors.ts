import { Isol8Error, type Isol8ErrorCode } from "@isol8/core";
import { errorBodySchema } from "./wire.js";

/** Every code, so an answer's code can be checked at run time; `satisfies` keeps the list complete. */
const CODES = {
  INVALID_INPUT: true,
  CONFIG_INVALID: true,
  RUNTIME_UNKNOWN: true,
  RUNTIME_INVALID: true,
  RUNTIME_LOAD_FAILED: true,
  PACKAGE_NAME_INVALID: true,
  FILE_NOT_FOUND: true,
  ENGINE_UNAVAILABLE: true,
  IMAGE_MISSING: true,
  IMAGE_BUILD_FAILED: true,
  IMAGE_PUSH_FAILED: true,
  IMAGE_NOT_ISOL8: true,
  INSTALL_FAILED: true,
  SETUP_FAILED: true,
  URL_REFUSED: true,
  URL_FETCH_FAILED: true,
  SANDBOX_FAILED: true,
  CANCELLED: true,
  INTERNAL: true,
  UNAUTHORIZED: true,
  FORBIDDEN: true,
  NOT_FOUND: true,
  POLICY_DENIED: true,
  BUSY: true,
  PAYLOAD_TOO_LARGE: true,
} as const satisfies Record<Isol8ErrorCode, true>;

function isCode(value: unknown): value is Isol8ErrorCode {
  return typeof value === "string" && Object.hasOwn(CODES, value);
}

/** Hints for answers whose fix is on the caller's side of the wire. */
const HINTS: Partial<Record<Isol8ErrorCode, string>> = {
  UNAUTHORIZED:
    "Check the API key (--key, ISOL8_API_KEY or the config); ask the server's operator for a new one.",
  BUSY: "The server is at capacity: retry in a moment.",
};

/**
 * The server's error body as an Isol8Error with the server's own code, message and hint, so a caller handles a
 * remote failure exactly like a local one. The message names the server, since that is where to look.
 */
export function errorFromBody(server: string, status: number, body: unknown): Isol8Error {
  const error = errorBodySchema.safeParse(body).data?.error;
  const code = isCode(error?.code) ? error.code : status === 401 ? "UNAUTHORIZED" : "INTERNAL";
  const message = error?.message ?? `HTTP ${status}`;
  const hint = error?.hint ?? HINTS[code];
  return new Isol8Error(code, `isol8 server ${server}: ${message}`, hint === undefined ? {} : { hint });
}

export function unreachable(server: string, cause: unknown): Isol8Error {
  // fetch puts the reason in its error's cause ("fetch failed" says nothing); ws gives it directly.
  const reason =
    cause instanceof Error
      ? cause.cause instanceof Error
        ? cause.cause.message
        : cause.message
      : String(cause);
  return new Isol8Error("ENGINE_UNAVAILABLE", `no isol8 server answers at ${server} (${reason})`, {
    hint: "Check the URL (--host) and that `isol8 serve` runs there and is reachable from here.",
    cause,
  });
}

export function cancelled(): Isol8Error {
  return new Isol8Error("CANCELLED", "the execution was cancelled");
}
