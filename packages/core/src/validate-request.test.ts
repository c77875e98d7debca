import { createRuntimeRegistry } from "@isol8/core";
import python from "@isol8/runtime-python";
import { describe, expect, it } from "vitest";
import { validateRequest } from "./validate-request.js";

const runtimes = createRuntimeRegistry([python()]);
const withFile = (path: string) => ({
  runtime: "python",
  code: "print(1)",
  files: [{ path, content: new Uint8Array([1]) }],
});

describe("validateRequest: file paths", () => {
  it.each(["data/in.csv", "/sandbox/data/in.csv", "./a/b", "/sandbox/x..y"])("accepts %s", (path) => {
    expect(() => validateRequest(withFile(path), runtimes)).not.toThrow();
  });

  it.each(["../etc/x", "/sandbox/../tmp/x", "a/../../x", "a/..", "/tmp/x", "/sandboxed/x", "/etc/passwd"])(
    "refuses %s before any container exists",
    (path) => {
      expect(() => validateRequest(withFile(path), runtimes)).toThrow(
        expect.objectContaining({
          code: "INVALID_INPUT",
          message: `File path "${path}" leads outside /sandbox`,
        }),
      );
    },
  );
});
