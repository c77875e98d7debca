import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import { Isol8Error, parseSize, type RuntimeDefinition, type RuntimeRegistry } from "@isol8/core";
import type { CodeSource } from "../actions/code-source.js";
import { DEFAULT_MAX_URL_BYTES, type FetchUrlOptions, fetchUrl } from "./fetch-url.js";
import { displayUrl } from "./url-errors.js";

export interface UrlSourceOptions {
  url: string;
  sha256?: string | undefined;
  runtime?: string | undefined;
  allowInsecureUrl?: boolean | undefined;
  maxUrlBytes?: string | undefined;
}

export interface UrlSourceContext {
  runtimes: RuntimeRegistry;
  /** Paths of PEM files (the config's `extraCaCertificates`), trusted for https besides Node's bundled CAs. */
  extraCaCertificates: readonly string[];
  /** Where the test hook is read from. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Tests inject a resolver and short deadlines. */
  fetch?: Pick<FetchUrlOptions, "resolver" | "timeoutMs" | "maxRedirects">;
  /** Where the test hook's warning goes. @default process.stderr */
  warn?: (line: string) => void;
}

/**
 * The environment variable that lets the CLI fetch from loopback addresses, so that acceptance tests can serve
 * their code from a server on 127.0.0.1. Honoured only when set to exactly "1", and said on stderr every time.
 */
export const LOOPBACK_TEST_HOOK = "ISOL8_TEST_ALLOW_LOOPBACK_URLS";

/**
 * `run --url`: the runtime from the URL's path (or --runtime) is settled before anything is fetched, then the
 * body is fetched by the host (see `fetchUrl`) and checked against --sha256. Everything fails before a container
 * exists.
 */
export async function resolveUrlSource(
  options: UrlSourceOptions,
  context: UrlSourceContext,
): Promise<CodeSource> {
  const url = parseUrl(options.url);
  const pin = parsePin(options.sha256);
  const maxBytes =
    options.maxUrlBytes === undefined
      ? DEFAULT_MAX_URL_BYTES
      : parseSize(options.maxUrlBytes, "--max-url-bytes");
  const name = lastPathSegment(url);
  const runtime = options.runtime
    ? context.runtimes.get(options.runtime).name
    : (context.runtimes.forFile(name)?.name ?? unknownRuntime(url, name, context.runtimes));
  const env = context.env ?? process.env;
  const allowLoopbackForTests = env[LOOPBACK_TEST_HOOK] === "1";
  if (allowLoopbackForTests) {
    (context.warn ?? ((line) => process.stderr.write(`${line}\n`)))(
      `[isol8] ${LOOPBACK_TEST_HOOK}=1: loopback URLs are allowed (a test hook; unset it outside tests)`,
    );
  }
  const fetched = await fetchUrl(url, {
    ...context.fetch,
    maxBytes,
    allowInsecure: options.allowInsecureUrl ?? false,
    allowLoopbackForTests,
    ...(context.extraCaCertificates.length > 0
      ? { ca: [...rootCertificates, ...readCertificates(context.extraCaCertificates)] }
      : {}),
  });
  const sha256 = createHash("sha256").update(fetched.body).digest("hex");
  if (pin !== undefined && pin !== sha256) {
    throw new Isol8Error(
      "URL_REFUSED",
      `Refused ${displayUrl(url)}: its SHA-256 is ${sha256}, not the --sha256 ${pin}`,
      { hint: "The content changed since it was pinned, or the pin is wrong; nothing was run." },
    );
  }
  return {
    runtime,
    code: fetched.body.toString("utf8"),
    fileName: sandboxFileName(name, context.runtimes.get(runtime)),
    fromFile: true,
    fetched: {
      url: displayUrl(fetched.url),
      bytes: fetched.body.length,
      sha256,
      redirects: fetched.redirects,
    },
  };
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new Isol8Error("INVALID_INPUT", `--url "${text}" is not a valid URL`, {
      hint: "Give an absolute URL such as https://example.com/script.py.",
      cause,
    });
  }
  return url;
}

function parsePin(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (/^[0-9a-f]{64}$/i.test(text)) return text.toLowerCase();
  throw new Isol8Error("INVALID_INPUT", `--sha256 "${text}" is not valid: expected 64 hexadecimal digits`, {
    hint: "Print a file's with `sha256sum FILE`; `isol8 run --url URL --verbose` prints what it fetched.",
  });
}

/** "script.py" of https://host/dir/script.py?x=1, percent-decoded. */
function lastPathSegment(url: URL): string {
  const segment = url.pathname.split("/").at(-1) ?? "";
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The file the code is written to in /sandbox: the URL's name when the runtime runs its extension (and it is a
 * plain name), else the runtime's own name for code (`main.sh`) — `--runtime bash` for `https://host/install`
 * must not become a file that bash's plugin does not run.
 */
function sandboxFileName(name: string, runtime: RuntimeDefinition): string | undefined {
  const extension = extensionOf(name).toLowerCase();
  const runnable = [...runtime.extensions, ...(runtime.alsoRuns ?? [])];
  if (extension === "" || !runnable.includes(extension)) return undefined;
  return /^[A-Za-z0-9._-]+$/.test(name) ? name : `main${extension}`;
}

function extensionOf(name: string): string {
  const match = /\.[A-Za-z0-9]+$/.exec(name);
  return match ? match[0] : "";
}

function unknownRuntime(url: URL, name: string, runtimes: RuntimeRegistry): never {
  const what = extensionOf(name) ? `"${extensionOf(name)}" files` : `${displayUrl(url)} (no file extension)`;
  throw new Isol8Error("RUNTIME_UNKNOWN", `No runtime runs ${what}`, {
    hint: `Pick one with --runtime (${runtimes
      .list()
      .map((runtime) => runtime.name)
      .join(", ")}).`,
  });
}

function readCertificates(paths: readonly string[]): string[] {
  return paths.map((path) => {
    try {
      return readFileSync(path, "utf8");
    } catch (cause) {
      throw new Isol8Error("FILE_NOT_FOUND", `Extra CA certificate file ${path} cannot be read`, {
        hint: "Fix the path in extraCaCertificates or ISOL8_EXTRA_CA_CERTS.",
        cause,
      });
    }
  });
}
