import { Isol8Error, type Isol8ErrorCode, isIsol8Error } from "@isol8/core";

/**
 * The one place where failures become HTTP statuses. `satisfies` keeps it complete: a new error code fails the
 * type check until its status is decided here.
 */
const STATUS_BY_CODE = {
  INVALID_INPUT: 400,
  RUNTIME_UNKNOWN: 400,
  PACKAGE_NAME_INVALID: 400,
  FILE_NOT_FOUND: 400,
  IMAGE_NOT_ISOL8: 400,
  // The server never fetches code from URLs for a client; should an engine answer so, the request was at fault.
  URL_REFUSED: 400,
  URL_FETCH_FAILED: 400,
  POLICY_DENIED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  // The request was well-formed; the package manager refused it (no such package, registry unreachable).
  INSTALL_FAILED: 422,
  // The client's own setup command failed: its request, not the server, must change.
  SETUP_FAILED: 422,
  BUSY: 429,
  // The server's own config or plugins are broken: nothing the client can fix.
  CONFIG_INVALID: 500,
  RUNTIME_INVALID: 500,
  RUNTIME_LOAD_FAILED: 500,
  IMAGE_BUILD_FAILED: 500,
  IMAGE_PUSH_FAILED: 500,
  SANDBOX_FAILED: 500,
  INTERNAL: 500,
  ENGINE_UNAVAILABLE: 503,
  IMAGE_MISSING: 503,
  // A client that went away never reads this; what remains is the server cancelling at shutdown.
  CANCELLED: 503,
} as const satisfies Record<Isol8ErrorCode, number>;

export type ErrorStatus = (typeof STATUS_BY_CODE)[Isol8ErrorCode];

export function statusForCode(code: Isol8ErrorCode): ErrorStatus {
  return STATUS_BY_CODE[code];
}

/** The body of every error response. */
export interface ErrorBody {
  error: {
    code: Isol8ErrorCode;
    message: string;
    hint?: string;
    /** The request field at fault (a zod path such as "limits.timeoutMs"), when there is one. */
    field?: string;
  };
}

/** An Isol8Error that names the request field at fault, so clients need not parse the message. */
export class FieldError extends Isol8Error {
  readonly field: string;

  constructor(code: Isol8ErrorCode, field: string, message: string, hint?: string) {
    super(code, message, hint === undefined ? {} : { hint });
    this.field = field;
  }
}

/**
 * Anything thrown, as a status and a body. Errors that are not Isol8Errors are bugs: their message may carry
 * internals (paths, stack frames), so the client gets a generic one and the caller logs the original.
 */
export function toErrorResponse(error: unknown): { status: ErrorStatus; body: ErrorBody } {
  if (!isIsol8Error(error)) {
    return {
      status: 500,
      body: { error: { code: "INTERNAL", message: "internal server error" } },
    };
  }
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.hint !== undefined) body.error.hint = error.hint;
  if (error instanceof FieldError) body.error.field = error.field;
  return { status: statusForCode(error.code), body };
}
