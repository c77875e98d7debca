import { Isol8Error } from "@isol8/core";
import { describe, expect, it } from "vitest";
import { FieldError, statusForCode, toErrorResponse } from "./errors.js";

describe("error mapping", () => {
  it.each([
    ["INVALID_INPUT", 400],
    ["POLICY_DENIED", 400],
    ["UNAUTHORIZED", 401],
    ["FORBIDDEN", 403],
    ["NOT_FOUND", 404],
    ["PAYLOAD_TOO_LARGE", 413],
    ["INSTALL_FAILED", 422],
    ["BUSY", 429],
    ["SANDBOX_FAILED", 500],
    ["ENGINE_UNAVAILABLE", 503],
  ] as const)("%s is %i", (code, status) => {
    expect(statusForCode(code)).toBe(status);
  });

  it("puts code, message, hint and field in the body", () => {
    expect(toErrorResponse(new FieldError("POLICY_DENIED", "limits.cpus", "too many", "ask for 2"))).toEqual({
      status: 400,
      body: {
        error: { code: "POLICY_DENIED", message: "too many", hint: "ask for 2", field: "limits.cpus" },
      },
    });
    expect(toErrorResponse(new Isol8Error("NOT_FOUND", "no such session")).body).toEqual({
      error: { code: "NOT_FOUND", message: "no such session" },
    });
  });

  it("hides the message of anything that is not an Isol8Error (it may carry internals)", () => {
    expect(toErrorResponse(new Error("ENOENT /var/lib/secret"))).toEqual({
      status: 500,
      body: { error: { code: "INTERNAL", message: "internal server error" } },
    });
  });
});
