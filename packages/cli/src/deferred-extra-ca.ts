import { readFileSync } from "node:fs";
import type * as Tls from "node:tls";

/**
 * Node 20 reads NODE_EXTRA_CA_CERTS, and builds its whole root store with it, before the first line of any script:
 * ~400M instructions (~70 ms) for the 144-certificate bundle of a machine behind a TLS-inspecting proxy
 * (nodejs/node#40524; later Nodes load certificates when TLS is first used). A local `isol8 run` makes no TLS
 * connection, so the `isol8` launcher (dist/bin.cjs, a shell line before the JavaScript) hands the variable over
 * as ISOL8_DEFERRED_EXTRA_CA_CERTS instead. Whatever may open a TLS connection calls trustDeferredExtraCa() first,
 * which gives Node's TLS exactly the trust the variable would have: the extra certificates on top of the default
 * store, for every context made without an explicit `ca`.
 */
const DEFERRED = "ISOL8_DEFERRED_EXTRA_CA_CERTS";

let deferredPath: string | undefined;

/**
 * Takes the handed-over path and puts NODE_EXTRA_CA_CERTS back into the environment, so that child processes (and
 * anything that reads it) see what the user set. Called once, before anything else runs.
 */
export function claimDeferredExtraCa(env: NodeJS.ProcessEnv = process.env): void {
  const path = env[DEFERRED];
  if (path === undefined) return;
  delete env[DEFERRED];
  env.NODE_EXTRA_CA_CERTS = path;
  deferredPath = path;
}

/**
 * Adds the deferred certificates to every TLS context made from now on without an explicit `ca` (an explicit
 * `ca` replaces the default store, NODE_EXTRA_CA_CERTS included, as in Node). Idempotent; a no-op without a
 * deferred file. An unreadable file is a warning, as Node makes it.
 */
export function trustDeferredExtraCa(tls: typeof Tls = loadTls()): void {
  const path = deferredPath;
  if (path === undefined) return;
  deferredPath = undefined;
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (error) {
    process.stderr.write(
      `Warning: Ignoring extra certs from \`${path}\`, load failed: ${(error as Error).message}\n`,
    );
    return;
  }
  const extra = notAlreadyTrusted(certificatesIn(pem), tls);
  if (extra.length === 0) return;
  const create = tls.createSecureContext;
  let native = true;
  tls.createSecureContext = (options?: Tls.SecureContextOptions) => {
    if (options?.ca !== undefined) return create(options);
    if (native) {
      const context = create(options);
      if (addTo(context, extra)) return context;
      native = false;
    }
    // A Node without the context's addCACert: the same trust, spelled as an explicit store (slower to build).
    return create({ ...options, ca: [...tls.rootCertificates, ...extra] });
  };
}

function loadTls(): typeof Tls {
  return process.getBuiltinModule("node:tls");
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function certificatesIn(pem: string): string[] {
  return pem.match(PEM_CERTIFICATE) ?? [];
}

/**
 * Certificates Node's bundled store already holds add nothing but time (a host's bundle repeats most of them):
 * only the others are added, unless Node was told to use another default store.
 */
function notAlreadyTrusted(certificates: string[], tls: typeof Tls): string[] {
  const flags = `${process.execArgv.join(" ")} ${process.env.NODE_OPTIONS ?? ""}`;
  if (/--use-(openssl|system)-ca/.test(flags)) return certificates;
  const bundled = new Set(tls.rootCertificates.map(normalized));
  return certificates.filter((certificate) => !bundled.has(normalized(certificate)));
}

function normalized(pem: string): string {
  return pem.replace(/\s+/g, "");
}

/** The native context's addCACert (what `ca` itself goes through); a malformed certificate is skipped, as Node does. */
function addTo(context: Tls.SecureContext, certificates: string[]): boolean {
  const native = (context as { context?: { addCACert?: (pem: string) => void } }).context;
  if (typeof native?.addCACert !== "function") return false;
  for (const certificate of certificates) {
    try {
      native.addCACert(certificate);
    } catch {
      // Node ignores certificates of NODE_EXTRA_CA_CERTS it cannot parse.
    }
  }
  return true;
}
