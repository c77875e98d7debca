import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { Isol8Error, type RuntimeRegistry } from "@isol8/core";

export interface CodeSource {
  runtime: string;
  code: string;
  fileName: string | undefined;
  fromFile: boolean;
}

/**
 * Where the code comes from: a file (runtime from its extension unless --runtime), -e CODE, or standard input.
 * Exactly one of them; anything else is a usage error before any container exists.
 */
export async function resolveCodeSource(
  options: { file?: string | undefined; eval?: string | undefined; runtime?: string | undefined },
  runtimes: RuntimeRegistry,
  stdin: NodeJS.ReadStream = process.stdin,
): Promise<CodeSource> {
  if (options.file !== undefined && options.eval !== undefined) {
    throw new Isol8Error("INVALID_INPUT", "Give either a file or -e CODE, not both");
  }
  if (options.file !== undefined) {
    const code = await readFile(options.file, "utf8").catch((cause: unknown) => {
      throw new Isol8Error(
        "FILE_NOT_FOUND",
        `Cannot read ${options.file}: ${(cause as NodeJS.ErrnoException).code}`,
        {
          hint: "Check the path of the file to run.",
          cause,
        },
      );
    });
    const runtime = options.runtime ?? runtimes.forFile(options.file)?.name;
    if (!runtime) {
      throw new Isol8Error(
        "RUNTIME_UNKNOWN",
        `No runtime runs "${extname(options.file) || options.file}" files`,
        {
          hint: `Pick one with --runtime (${runtimes
            .list()
            .map((r) => r.name)
            .join(", ")}).`,
        },
      );
    }
    const name = basename(options.file);
    const fileName = /^[A-Za-z0-9._-]+$/.test(name) ? name : `main${extname(name)}`;
    return { runtime, code, fileName, fromFile: true };
  }
  const runtime = requireRuntime(
    options.runtime,
    runtimes,
    options.eval !== undefined ? "-e" : "code on stdin",
  );
  if (options.eval !== undefined)
    return { runtime, code: options.eval, fileName: undefined, fromFile: false };
  if (stdin.isTTY) {
    throw new Isol8Error("INVALID_INPUT", "No code to run", {
      hint: "Give a file, -e CODE, or pipe code on stdin.",
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  return { runtime, code: Buffer.concat(chunks).toString("utf8"), fileName: undefined, fromFile: false };
}

function requireRuntime(runtime: string | undefined, runtimes: RuntimeRegistry, what: string): string {
  if (runtime) return runtimes.get(runtime).name;
  throw new Isol8Error("INVALID_INPUT", `${what} needs --runtime`, {
    hint: `Pick one of: ${runtimes
      .list()
      .map((r) => r.name)
      .join(", ")}.`,
  });
}
