import { formatMs } from "./format.js";
import { httpGet } from "./http-get.js";
import { type HostResolver, resolveCheckedAddress, systemResolver } from "./resolve-host.js";
import { fetchFailed, type Hop, refused } from "./url-errors.js";

export interface FetchUrlOptions {
  /** The largest body accepted; the connection is cut past it. @default 1 MiB */
  maxBytes?: number;
  /** For the whole fetch: name resolution, every redirect and the body. @default 30 000 (30 s) */
  timeoutMs?: number;
  /** @default 5 */
  maxRedirects?: number;
  /** Also fetch `http:` URLs, at the first hop and after redirects. @default false */
  allowInsecure?: boolean;
  /**
   * Test hook: also fetch from loopback addresses (127.0.0.0/8, ::1), where tests serve their files. Private,
   * link-local and the other internal ranges stay refused. Never set from a CLI flag. @default false
   */
  allowLoopbackForTests?: boolean;
  /** How host names become addresses. @default dns.lookup with `all: true` */
  resolver?: HostResolver;
  /** PEM certificates trusted for https (replacing Node's bundled CAs when given). @default Node's CAs */
  ca?: string[];
}

export interface FetchedUrl {
  body: Buffer;
  /** Where the body came from, after redirects. */
  url: URL;
  redirects: number;
}

export const DEFAULT_MAX_URL_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_REDIRECTS = 5;

/**
 * Fetches code for a run on the host, refusing anything that could turn the URL against the host's own network:
 * each hop's scheme is checked, its host resolved once and every address checked (see `resolveCheckedAddress`),
 * and the connection made to exactly that address. Throws `URL_REFUSED` or `URL_FETCH_FAILED`.
 */
export async function fetchUrl(url: URL, options: FetchUrlOptions = {}): Promise<FetchedUrl> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    let hop: Hop = { url, from: undefined };
    for (let redirects = 0; ; redirects++) {
      checkScheme(hop, options.allowInsecure ?? false);
      const address = await beforeDeadline(
        resolveCheckedAddress(hop, options.resolver ?? systemResolver, {
          allowLoopback: options.allowLoopbackForTests ?? false,
        }),
        deadline.signal,
        () =>
          fetchFailed(
            hop,
            `timed out after ${formatMs(timeoutMs)} resolving ${hop.url.hostname}`,
            "Try again.",
          ),
      );
      const result = await httpGet(hop, {
        address,
        maxBytes: options.maxBytes ?? DEFAULT_MAX_URL_BYTES,
        signal: deadline.signal,
        timeoutMs,
        ca: options.ca,
      });
      if (result.kind === "body") return { body: result.body, url: hop.url, redirects };
      if (redirects >= maxRedirects) {
        throw refused(
          hop,
          `it redirects more than ${maxRedirects} times`,
          "Give the URL the redirects end at.",
        );
      }
      hop = { url: redirectTarget(hop, result.location), from: hop.url };
    }
  } finally {
    clearTimeout(timer);
  }
}

/** https always; http only when asked for (its content can be changed on the way); nothing else. */
export function checkScheme(hop: Hop, allowInsecure: boolean): void {
  const { protocol } = hop.url;
  if (protocol === "https:" || (protocol === "http:" && allowInsecure)) return;
  if (protocol === "http:") {
    throw refused(
      hop,
      "only https URLs are fetched",
      "Use https, or pass --allow-insecure-url to fetch over plain http (anyone on the way can then change the code).",
    );
  }
  throw refused(hop, `${protocol.replace(/:$/, "")} URLs are not fetched, only https`, "Give an https URL.");
}

function redirectTarget(hop: Hop, location: string): URL {
  try {
    return new URL(location, hop.url);
  } catch (cause) {
    throw fetchFailed(hop, `it redirects to an invalid URL "${location}"`, "Check the URL.", cause);
  }
}

/** Name resolution cannot be aborted: the fetch stops waiting for it at the deadline instead. */
function beforeDeadline<T>(work: Promise<T>, signal: AbortSignal, onTimeout: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(onTimeout());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onTimeout());
    signal.addEventListener("abort", abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}
