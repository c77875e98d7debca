import { readFile, stat } from "node:fs/promises";
import { Isol8Error } from "@isol8/core";

/** A setup script larger than this is not a script: it is data, and belongs in `--files`. */
const MAX_SCRIPT_BYTES = 256 * 1024;

/**
 * `--setup` values as the scripts to run: a value naming a file on this machine is that file's text (a script kept
 * in the project), anything else is the command itself (`--setup "pip check"`).
 */
export async function readSetupCommands(values: readonly string[]): Promise<string[]> {
  const scripts: string[] = [];
  for (const value of values) {
    if (value.trim() === "") {
      throw new Isol8Error("INVALID_INPUT", "--setup was given an empty command", {
        hint: 'Give a shell command (--setup "pip check") or the path of a script file.',
      });
    }
    const file = await stat(value).catch(() => undefined);
    if (!file?.isFile()) {
      scripts.push(value);
      continue;
    }
    if (file.size > MAX_SCRIPT_BYTES) {
      throw new Isol8Error(
        "INVALID_INPUT",
        `--setup ${value} is ${file.size} bytes, over the 256 KiB a script may have`,
        {
          hint: "Copy data into the sandbox with --files and keep the setup script short.",
        },
      );
    }
    scripts.push(await readFile(value, "utf8"));
  }
  return scripts;
}
