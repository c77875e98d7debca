import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type AuditEntry, createAuditLog } from "./audit-log.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "isol8-audit-"));
  dirs.push(dir);
  return dir;
}

const entry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  time: "2026-12-03T00:00:00.000Z",
  runtime: "python",
  outcome: "completed",
  codeSha256: "0".repeat(64),
  packages: [],
  setupCommands: 0,
  env: [],
  secrets: [],
  ...overrides,
});

describe("createAuditLog", () => {
  it("appends one JSON line per record, creating the directory", async () => {
    const file = join(tempDir(), "logs", "audit.jsonl");
    const log = createAuditLog({ file });
    await log.record(entry({ exitCode: 0 }));
    await log.record(entry({ exitCode: 3 }));
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    expect(lines.map((line) => (JSON.parse(line) as AuditEntry).exitCode)).toEqual([0, 3]);
  });

  it("rotates by size and keeps only `keep` rotated files", async () => {
    const file = join(tempDir(), "audit.jsonl");
    const log = createAuditLog({ file, maxBytes: 400, keep: 2 });
    for (let index = 0; index < 12; index++) await log.record(entry({ exitCode: index }));
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(existsSync(`${file}.2`)).toBe(true);
    expect(existsSync(`${file}.3`)).toBe(false);
    for (const name of [file, `${file}.1`, `${file}.2`]) {
      expect(readFileSync(name).length).toBeLessThanOrEqual(400);
    }
    const newest = readFileSync(file, "utf8").trimEnd().split("\n").at(-1) ?? "";
    expect((JSON.parse(newest) as AuditEntry).exitCode).toBe(11);
  });

  it("masks secret values in the code, the output and error messages", async () => {
    const file = join(tempDir(), "audit.jsonl");
    const log = createAuditLog({ file });
    await log.record(
      entry({
        code: "print('hunter2')",
        stdout: "hunter2\n",
        error: { code: "INSTALL_FAILED", message: "x hunter2" },
      }),
      ["hunter2"],
    );
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("hunter2");
    expect(text).toContain("print('***')");
  });

  it("never rejects when the disk is full: one warning, and later records are given up quietly", async () => {
    // /dev/full answers every write with ENOSPC, as a full disk does.
    const warnings: string[] = [];
    const log = createAuditLog({ file: "/dev/full", onWarning: (message) => warnings.push(message) });
    await expect(log.record(entry())).resolves.toBeUndefined();
    await expect(log.record(entry())).resolves.toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /could not write the audit log \/dev\/full \(ENOSPC.*\); runs go on without it/,
    );
  });

  it("keeps an existing file's lines when it starts appending", async () => {
    const file = join(tempDir(), "audit.jsonl");
    writeFileSync(file, '{"earlier":true}\n');
    await createAuditLog({ file }).record(entry());
    expect(readFileSync(file, "utf8").split("\n")[0]).toBe('{"earlier":true}');
  });
});
