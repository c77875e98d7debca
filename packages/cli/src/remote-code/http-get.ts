import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { VERSION } from "../version.js";
import { formatBytes, formatMs } from "./format.js";
import { hostOf, pinnedLookup, type ResolvedAddress } from "./resolve-host.js";
import { fetchFailed, type Hop, refused } from "./url-errors.js";

export type HopResult = { kind: "redirect"; location: string } | { kind: "body"; body: Buffer };

export interface HttpGetOptions {
  /** The checked address the connection goes to. */
  address: ResolvedAddress;
  maxBytes: number;
  /** Aborted at the fetch's deadline; `timeoutMs` only words the message. */
  signal: AbortSignal;
  timeoutMs: number;
  /** PEM certificates to trust instead of Node's bundled ones. */
  ca: string[] | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const TLS_HINT =
  "The server's certificate is not trusted. On a network that inspects TLS, add its CA (a PEM file) to " +
  "`extraCaCertificates` in isol8.config.json or to ISOL8_EXTRA_CA_CERTS.";

/**
 * One GET, to exactly the checked address, reading at most `maxBytes` of the body: past the cap (announced by
 * Content-Length or reached while streaming) the connection is cut, so a huge or endless body costs the host
 * nothing more. A redirect is returned, not followed: the caller checks its target like the first URL.
 */
export function httpGet(hop: Hop, options: HttpGetOptions): Promise<HopResult> {
  const { url } = hop;
  const secure = url.protocol === "https:";
  const hostname = hostOf(url);
  const tooLarge = () =>
    refused(
      hop,
      `it is larger than ${formatBytes(options.maxBytes)}`,
      "Raise the cap with --max-url-bytes (for example 4m), or check that the URL serves the file itself.",
    );
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      request.destroy();
      reject(options.signal.aborted ? timedOut(hop, options.timeoutMs) : connectionFailed(hop, error));
    };
    const request = (secure ? https : http).request({
      host: hostname,
      port: url.port === "" ? (secure ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: "GET",
      headers: { "user-agent": `isol8/${VERSION}`, accept: "*/*", "accept-encoding": "identity" },
      ...(url.username === "" && url.password === ""
        ? {}
        : { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` }),
      lookup: pinnedLookup(hostname, options.address),
      // A fresh connection per hop: a pooled socket could be one opened to another address.
      agent: false,
      signal: options.signal,
      ...(secure && isIP(hostname) === 0 ? { servername: hostname } : {}),
      ...(secure && options.ca ? { ca: options.ca } : {}),
    });
    request.on("error", fail);
    request.on("response", (response) => {
      const status = response.statusCode ?? 0;
      const stop = (error: Error) => {
        response.destroy();
        request.destroy();
        reject(error);
      };
      if (REDIRECTS.has(status)) {
        const location = response.headers.location;
        if (location === undefined) {
          stop(fetchFailed(hop, `HTTP ${status} without a Location header`, "Check the URL."));
          return;
        }
        response.destroy();
        request.destroy();
        resolve({ kind: "redirect", location });
        return;
      }
      if (status !== 200) {
        const hint =
          status === 404 ? "Check the URL: the server has no such file." : "Check the URL and the server.";
        stop(fetchFailed(hop, `HTTP ${status} ${response.statusMessage ?? ""}`.trim(), hint));
        return;
      }
      const encoding = response.headers["content-encoding"];
      if (encoding !== undefined && encoding !== "identity") {
        stop(refused(hop, `it is sent ${encoding}-encoded`, "Give a URL that serves the file as it is."));
        return;
      }
      const length = Number(response.headers["content-length"]);
      if (Number.isFinite(length) && length > options.maxBytes) {
        stop(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      response.on("data", (chunk: Buffer) => {
        total += chunk.length;
        if (total > options.maxBytes) stop(tooLarge());
        else chunks.push(chunk);
      });
      response.on("error", fail);
      response.on("end", () => resolve({ kind: "body", body: Buffer.concat(chunks) }));
      // A body cut short by the server (or by the deadline) ends in "close" without "end".
      response.on("close", () => {
        if (!response.complete) fail(new Error("the connection closed before the whole body arrived"));
      });
    });
    request.end();
  });
}

function timedOut(hop: Hop, timeoutMs: number) {
  return fetchFailed(
    hop,
    `timed out after ${formatMs(timeoutMs)}`,
    "The server did not send the whole file in time; try again, or download it and run it as a file.",
  );
}

function connectionFailed(hop: Hop, error: Error) {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  const tls = /CERT|SSL|TLS|SELF_SIGNED/.test(code ?? "");
  return fetchFailed(hop, reason, tls ? TLS_HINT : "Check the URL and your network.", error);
}
