import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readSetupCommands } from "./setup-commands.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("readSetupCommands", () => {
  it("reads a value that names a file, and takes anything else as the command", async () => {
    const dir = mkdtempSync(join(tmpdir(), "isol8-setup-"));
    dirs.push(dir);
    writeFileSync(join(dir, "prepare.sh"), "set -e\necho prepared > ready.txt\n");
    expect(await readSetupCommands([join(dir, "prepare.sh"), "pip check", dir])).toEqual([
      "set -e\necho prepared > ready.txt\n",
      "pip check",
      dir,
    ]);
  });

  it("refuses an empty command and a file too large to be a script", async () => {
    await expect(readSetupCommands(["  "])).rejects.toThrow("--setup was given an empty command");
    const dir = mkdtempSync(join(tmpdir(), "isol8-setup-"));
    dirs.push(dir);
    writeFileSync(join(dir, "big.sh"), "#".repeat(300 * 1024));
    await expect(readSetupCommands([join(dir, "big.sh")])).rejects.toThrow(
      "over the 256 KiB a script may have",
    );
  });
});
