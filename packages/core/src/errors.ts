/**
 * Every failure isol8 reports carries one of these codes. The CLI maps codes to exit codes in one place
 * (`packages/cli/src/exit-codes.ts`); library users switch on `error.code`.
 */
export type Isol8ErrorCode =
  /** A request, flag or argument is malformed (bad limit, workdir outside /sandbox, both -e and a file, …). */
  | "INVALID_INPUT"
  /** `isol8.config.json` (or an override) does not match the schema. */
  | "CONFIG_INVALID"
  /** No runtime with that name or file extension is registered. */
  | "RUNTIME_UNKNOWN"
  /** A runtime definition is incomplete or clashes with another one. */
  | "RUNTIME_INVALID"
  /** A third-party runtime module could not be imported. */
  | "RUNTIME_LOAD_FAILED"
  /** A package name would smuggle flags, paths or shell syntax into a package manager. */
  | "PACKAGE_NAME_INVALID"
  /** A file named by the user does not exist or cannot be read. */
  | "FILE_NOT_FOUND"
  /**
   * `run --url`: isol8 refused the URL or what it served — a scheme other than https, an address that is not public
   * (checked after resolution and at every redirect), too many redirects, a body over the size cap, a `--sha256`
   * mismatch. Nothing was run.
   */
  | "URL_REFUSED"
  /** `run --url`: the URL could not be fetched — unknown name, connection failed, an HTTP error status, timeout. */
  | "URL_FETCH_FAILED"
  /** No Docker engine answers. */
  | "ENGINE_UNAVAILABLE"
  /** An image isol8 needs is missing and cannot be built or pulled. */
  | "IMAGE_MISSING"
  /** `docker build` of an isol8 image failed; the previous image (if any) is untouched. */
  | "IMAGE_BUILD_FAILED"
  /** Pushing an image to a registry failed (unreachable, refused credentials, HTTPS expected); no tag was left. */
  | "IMAGE_PUSH_FAILED"
  /** `--image` names an image that isol8 did not build. */
  | "IMAGE_NOT_ISOL8"
  /** The run-time package install failed (package not found, registry unreachable, …). */
  | "INSTALL_FAILED"
  /** A setup command (`--setup`) exited non-zero; the program did not run. */
  | "SETUP_FAILED"
  /** The sandbox could not be created or talked to. */
  | "SANDBOX_FAILED"
  /** The caller aborted (Ctrl-C, AbortSignal). */
  | "CANCELLED"
  /** A server refused the API key: missing, unknown, revoked or expired. */
  | "UNAUTHORIZED"
  /** The API key is valid but may not do this (only the admin key manages keys). */
  | "FORBIDDEN"
  /** A server has no such session (or it belongs to another tenant: the two answer alike). */
  | "NOT_FOUND"
  /** The request asks for more than the server's policy allows its tenant (a limit, a network mode, an image). */
  | "POLICY_DENIED"
  /** The server's queue (or the tenant's share of it) is full; retry later. */
  | "BUSY"
  /** The request body is larger than the server accepts. */
  | "PAYLOAD_TOO_LARGE"
  /** A bug in isol8. */
  | "INTERNAL";

export interface Isol8ErrorOptions {
  /** What the user can do about it, shown after the message. */
  hint?: string;
  cause?: unknown;
}

/**
 * Marks isol8's errors across copies of this module: the CLI's bundle carries its own core, while the server and the
 * MCP package it loads from node_modules carry theirs, and an error from one must still be an Isol8Error to the other.
 */
const BRAND = Symbol.for("isol8.Isol8Error");

/** The one error class of isol8: a code for programs, a one-line message and an optional hint for people. */
export class Isol8Error extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  readonly [BRAND] = true;
  readonly code: Isol8ErrorCode;
  readonly hint: string | undefined;

  constructor(code: Isol8ErrorCode, message: string, options: Isol8ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "Isol8Error";
    this.code = code;
    this.hint = options.hint;
  }
}

export function isIsol8Error(value: unknown): value is Isol8Error {
  return value instanceof Isol8Error;
}
