import { Isol8Error, type Isol8ErrorCode } from "@isol8/core";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { EXIT, exitCodeFor } from "./exit-codes.js";
import { main } from "./main.js";
import { reportError } from "./report-error.js";

/**
 * The exit code of every failure isol8 can report. `satisfies` makes this table list every code: a new code fails
 * the type check until its exit code is decided here too.
 */
const EXPECTED = {
  INVALID_INPUT: 2,
  CONFIG_INVALID: 2,
  RUNTIME_UNKNOWN: 2,
  RUNTIME_INVALID: 2,
  RUNTIME_LOAD_FAILED: 2,
  PACKAGE_NAME_INVALID: 2,
  FILE_NOT_FOUND: 2,
  IMAGE_NOT_ISOL8: 2,
  URL_REFUSED: 2,
  URL_FETCH_FAILED: 2,
  INSTALL_FAILED: 123,
  SETUP_FAILED: 122,
  ENGINE_UNAVAILABLE: 125,
  IMAGE_MISSING: 125,
  IMAGE_BUILD_FAILED: 125,
  IMAGE_PUSH_FAILED: 125,
  SANDBOX_FAILED: 125,
  INTERNAL: 125,
  CANCELLED: 130,
  UNAUTHORIZED: 2,
  FORBIDDEN: 2,
  NOT_FOUND: 2,
  POLICY_DENIED: 2,
  PAYLOAD_TOO_LARGE: 2,
  BUSY: 125,
} satisfies Record<Isol8ErrorCode, number>;

describe("exit codes", () => {
  it("are the documented numbers (docs/cli.md), following timeout(1) and docker run", () => {
    expect(EXIT).toEqual({
      usage: 2,
      setupFailed: 122,
      installFailed: 123,
      timedOut: 124,
      engine: 125,
      cancelled: 130,
      outOfMemory: 137,
    });
  });

  it.each(Object.entries(EXPECTED))("maps %s to %i", (code, exit) => {
    expect(exitCodeFor(code as Isol8ErrorCode)).toBe(exit);
  });

  it("never maps a failure to 0, 1, or the codes that describe a program's end (124 timeout, 137 OOM)", () => {
    for (const code of Object.keys(EXPECTED) as Isol8ErrorCode[]) {
      expect([0, 1, EXIT.timedOut, EXIT.outOfMemory]).not.toContain(exitCodeFor(code));
    }
  });
});

describe("reportError and main", () => {
  let stderr: MockInstance<typeof process.stderr.write>;
  const printed = () => stderr.mock.calls.map(([chunk]) => String(chunk)).join("");
  beforeEach(() => {
    stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  });
  afterEach(() => {
    stderr.mockRestore();
  });

  it("prints an Isol8Error as one line plus its hint and returns its exit code", () => {
    const error = new Isol8Error("INSTALL_FAILED", "Installing nump for python failed", {
      hint: "No such package",
    });
    expect(reportError(error)).toBe(123);
    expect(printed()).toBe("isol8: Installing nump for python failed\n  No such package\n");
  });

  it("treats anything else as an internal failure (125)", () => {
    expect(reportError(new TypeError("boom"))).toBe(EXIT.engine);
    expect(printed()).toMatch(/^isol8: internal error: TypeError: boom/);
  });

  it("returns 2 for an unknown flag and for a request that is invalid before any engine is touched", async () => {
    expect(await main(["run", "--no-such-flag"])).toBe(EXIT.usage);
    expect(printed()).toContain("Unknown argument");
    stderr.mockClear();
    expect(await main(["run", "-e", "print(1)"])).toBe(EXIT.usage);
    expect(printed()).toBe("isol8: -e needs --runtime\n  Pick one of: python, node, bun, deno, bash.\n");
  });
});

describe("exitCodeForResult", () => {
  it("passes the program's code through, and reports timeout and out-of-memory as 124 and 137", async () => {
    const { exitCodeForResult } = await import("./exit-codes.js");
    expect(exitCodeForResult({ exitCode: 42, timedOut: false, oomKilled: false })).toBe(42);
    expect(exitCodeForResult({ exitCode: 137, timedOut: true, oomKilled: false })).toBe(124);
    expect(exitCodeForResult({ exitCode: 137, timedOut: false, oomKilled: true })).toBe(137);
  });
});
