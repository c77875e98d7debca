import { describe, expect, it } from "vitest";
import { validatePackageName } from "./package-names.js";
import { defineRuntime } from "./runtime.js";

const runtime = defineRuntime({
  name: "python",
  extensions: [".py"],
  inlineFileName: "main.py",
  versions: {},
  dockerfile: "RUN true",
  globalInstallPath: "/sandbox/.local",
  install: (packages) => packages,
  bake: (packages) => packages,
  runFile: (file) => [file],
  validatePackage: (name) => (name.includes("://") ? "URLs are not package names" : undefined),
});

describe("validatePackageName", () => {
  it.each(["numpy", "numpy==2.1.0", "lodash@4", "@scope/pkg@^1", "requests[socks]>=2"])(
    "accepts %s",
    (name) => {
      expect(() => validatePackageName(runtime, name)).not.toThrow();
    },
  );

  it.each([
    ["--index-url=https://evil.example", "starts with '-'"],
    ["-e", "starts with '-'"],
    ["numpy; rm -rf /", "shell characters"],
    ["$(id)", "shell characters"],
    ["a b", "whitespace"],
    ["", "empty"],
  ])("rejects %j", (name, reason) => {
    expect(() => validatePackageName(runtime, name)).toThrow(reason);
  });

  it("applies the runtime's own rule after the generic one", () => {
    expect(() => validatePackageName(runtime, "https://x.example/pkg.whl")).toThrow(
      /"https:\/\/x.example\/pkg.whl" is not a valid python package name: URLs are not package names/,
    );
  });
});
