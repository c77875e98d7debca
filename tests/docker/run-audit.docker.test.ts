import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";

interface Line {
  runtime: string;
  outcome: string;
  exitCode?: number;
  imageId?: string;
  image?: string;
  codeSha256: string;
  secrets: string[];
  error?: { code: string };
  limits?: { timeoutMs: number };
  network?: { mode: string };
  stdoutBytes?: number;
}

/** `audit` in isol8.config.json: what a real run through the CLI writes, and what it never does. */
describe("the audit log", () => {
  let dir: string;
  const logFile = () => join(dir, "logs", "audit.jsonl");
  const lines = () =>
    readFileSync(logFile(), "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as Line);
  const config = (audit: object) => writeFileSync(join(dir, "isol8.config.json"), JSON.stringify({ audit }));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "isol8-audit-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gets one line per run with the image id, limits, network, exit code and the code's hash; no secret", async () => {
    config({ file: "./logs/audit.jsonl" });
    const code = "import os; print(len(os.environ['TOKEN'])); raise SystemExit(3)";
    const result = await runCli(
      ["run", "-e", code, "--runtime", "python", "--secret", "TOKEN=audit-s3cr3t", "--timeout", "20s"],
      { cwd: dir },
    );
    expect(result.code).toBe(3);
    const [line] = lines();
    expect(line).toMatchObject({ runtime: "python", outcome: "completed", exitCode: 3, secrets: ["TOKEN"] });
    expect(line?.image).toBe("isol8:python");
    expect(line?.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(line?.limits?.timeoutMs).toBe(20_000);
    expect(line?.network?.mode).toBe("none");
    expect(line?.stdoutBytes).toBe(3);
    expect(readFileSync(logFile(), "utf8")).not.toContain("audit-s3cr3t");
    expect(readFileSync(logFile(), "utf8")).not.toContain("os.environ");
  });

  it("records a run the engine refused, with its error code", async () => {
    const result = await runCli(
      ["run", "-e", "print(1)", "--runtime", "python", "--install", "isol8-surely-missing-pkg-zzz"],
      { cwd: dir },
    );
    expect(result.code).toBe(123);
    expect(lines().at(-1)).toMatchObject({ outcome: "failed", error: { code: "INSTALL_FAILED" } });
  });

  it("never fails a run when the log cannot be written (a full disk): a warning, and the program's exit code", async () => {
    config({ file: "/dev/full" });
    const result = await runCli(["run", "-e", "print('still runs')", "--runtime", "python"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("still runs\n");
    expect(result.stderr).toMatch(/^\[isol8\] warning: could not write the audit log \/dev\/full \(ENOSPC/m);
  });
});
