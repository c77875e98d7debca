import { describe, expect, it } from "vitest";
import { pythonBake, pythonInstall, pythonRunFile, pythonRunInline } from "./commands.js";

describe("python commands", () => {
  it("installs into the user site, with a temporary directory that allows exec, names after --", () => {
    const argv = pythonInstall(["numpy==2.1.0", "requests"]);
    expect(argv.slice(0, 6)).toEqual(["env", "TMPDIR=/sandbox", "python3", "-m", "pip", "install"]);
    expect(argv).toContain("--user");
    expect(argv).toContain("--break-system-packages");
    expect(argv).toContain("--no-cache-dir");
    expect(argv.slice(-3)).toEqual(["--", "numpy==2.1.0", "requests"]);
  });

  it("bakes into the system site-packages as root, without --user", () => {
    const argv = pythonBake(["numpy"]);
    expect(argv.slice(0, 4)).toEqual(["python3", "-m", "pip", "install"]);
    expect(argv).not.toContain("--user");
    expect(argv).toContain("--root-user-action=ignore");
    expect(argv.slice(-2)).toEqual(["--", "numpy"]);
  });

  it("keeps every package one argv element", () => {
    expect(pythonInstall(["a", "b"]).filter((arg) => arg === "a" || arg === "b")).toHaveLength(2);
  });

  it("runs files and inline code with python3", () => {
    expect(pythonRunFile("/sandbox/main.py")).toEqual(["python3", "/sandbox/main.py"]);
    expect(pythonRunInline("-1; print(1)")).toEqual(["python3", "-c", "-1; print(1)"]);
  });
});
