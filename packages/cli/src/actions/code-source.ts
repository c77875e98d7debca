import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { Isol8Error, type RuntimeRegistry } from "@isol8/core";
import { trustDeferredExtraCa } from "../deferred-extra-ca.js";

export interface CodeSource {
  runtime: string;
  code: string;
  fileName: string | undefined;
  fromFile: boolean;
  /** With --url: what was fetched, for --verbose. */
  fetched?: { url: string; bytes: number; sha256: string; redirects: number };
}

export interface CodeSourceOptions {
  file?: string | undefined;
  eval?: string | undefined;
  runtime?: string | undefined;
  url?: string | undefined;
  sha256?: string | undefined;
  allowInsecureUrl?: boolean | undefined;
  maxUrlBytes?: string | undefined;
}

/**
 * Where the code comes from: a file (runtime from its extension unless --runtime), -e CODE, --url URL (runtime
 * from the URL's path), or standard input. Exactly one of them; anything else is a usage error before any
 * container exists.
 */
export async function resolveCodeSource(
  options: CodeSourceOptions,
  runtimes: RuntimeRegistry,
  context: { extraCaCertificates: readonly string[]; stdin?: NodeJS.ReadStream } = {
    extraCaCertificates: [],
  },
): Promise<CodeSource> {
  if (options.file !== undefined && options.eval !== undefined) {
    throw new Isol8Error("INVALID_INPUT", "Give either a file or -e CODE, not both");
  }
  if (options.url !== undefined) {
    if (options.file !== undefined || options.eval !== undefined) {
      const other = options.file !== undefined ? "a file" : "-e CODE";
      throw new Isol8Error("INVALID_INPUT", `Give either ${other} or --url URL, not both`);
    }
    // Loaded only for --url: the fetcher (node:https, tls) stays out of every other run's start-up.
    const { resolveUrlSource } = await import("../remote-code/url-code-source.js");
    trustDeferredExtraCa();
    return resolveUrlSource({ ...options, url: options.url }, { runtimes, ...context });
  }
  const urlOnly = urlOnlyFlag(options);
  if (urlOnly !== undefined) {
    throw new Isol8Error("INVALID_INPUT", `${urlOnly} applies only with --url URL`);
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
  const stdin = context.stdin ?? process.stdin;
  if (stdin.isTTY) {
    throw new Isol8Error("INVALID_INPUT", "No code to run", {
      hint: "Give a file, -e CODE, --url URL, or pipe code on stdin.",
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  return { runtime, code: Buffer.concat(chunks).toString("utf8"), fileName: undefined, fromFile: false };
}

function urlOnlyFlag(options: CodeSourceOptions): string | undefined {
  if (options.sha256 !== undefined) return "--sha256";
  if (options.maxUrlBytes !== undefined) return "--max-url-bytes";
  if (options.allowInsecureUrl) return "--allow-insecure-url";
  return undefined;
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
