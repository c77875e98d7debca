import type { Isol8Error } from "@isol8/core";
import { EXIT, exitCodeFor } from "./exit-codes.js";

// Duck-typed rather than `instanceof`, so that reporting an error never has to load @isol8/core (and zod).
function isIsol8Error(error: unknown): error is Isol8Error {
  return error instanceof Error && error.name === "Isol8Error" && "code" in error;
}

/** Prints an error as one line (plus its hint) on stderr and returns the exit code it maps to. */
export function reportError(error: unknown): number {
  if (isIsol8Error(error)) {
    process.stderr.write(`isol8: ${error.message}\n`);
    if (error.hint) process.stderr.write(`${indent(error.hint)}\n`);
    return exitCodeFor(error.code);
  }
  if (error instanceof Error && error.constructor.name === "UsageError") {
    process.stderr.write(`isol8: ${error.message}\nRun "isol8 --help" for usage.\n`);
    return EXIT.usage;
  }
  process.stderr.write(
    `isol8: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT.engine;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
