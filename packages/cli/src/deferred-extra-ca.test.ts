import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as Tls from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { claimDeferredExtraCa, trustDeferredExtraCa } from "./deferred-extra-ca.js";

const pem = (name: string) => `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----`;

/** A stand-in for node:tls that records what each context was given. */
function fakeTls(bundled: string[]) {
  const made: { options: Tls.SecureContextOptions | undefined; added: string[] }[] = [];
  const tls = {
    rootCertificates: bundled,
    createSecureContext(options?: Tls.SecureContextOptions) {
      const entry = { options, added: [] as string[] };
      made.push(entry);
      return { context: { addCACert: (certificate: string) => entry.added.push(certificate) } };
    },
  };
  return { tls: tls as unknown as typeof Tls, made };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("deferred NODE_EXTRA_CA_CERTS", () => {
  it("gives contexts without a ca the certificates Node does not bundle, and leaves an explicit ca alone", () => {
    const dir = mkdtempSync(join(tmpdir(), "isol8-ca-"));
    dirs.push(dir);
    const file = join(dir, "bundle.pem");
    writeFileSync(file, `${pem("BUNDLED")}\n${pem("PROXY")}\n`);
    const env: NodeJS.ProcessEnv = { ISOL8_DEFERRED_EXTRA_CA_CERTS: file };

    claimDeferredExtraCa(env);
    // Children and anything reading the environment see what the user set.
    expect(env).toEqual({ NODE_EXTRA_CA_CERTS: file });

    const { tls, made } = fakeTls([pem("BUNDLED")]);
    const unwrapped = tls.createSecureContext;
    trustDeferredExtraCa(tls);
    expect(tls.createSecureContext).not.toBe(unwrapped);
    tls.createSecureContext({});
    tls.createSecureContext({ ca: "mine" });
    expect(made.map((entry) => entry.added)).toEqual([[pem("PROXY")], []]);
    expect(made[1]?.options).toEqual({ ca: "mine" });

    // Once only: a second call neither reads nor wraps again.
    const wrapped = tls.createSecureContext;
    trustDeferredExtraCa(tls);
    expect(tls.createSecureContext).toBe(wrapped);
    tls.createSecureContext();
    expect(made[2]?.added).toEqual([pem("PROXY")]);
  });

  it("does nothing when the launcher deferred nothing", () => {
    const env: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: "/set/by/user.pem" };
    claimDeferredExtraCa(env);
    expect(env).toEqual({ NODE_EXTRA_CA_CERTS: "/set/by/user.pem" });
    const { tls, made } = fakeTls([]);
    const original = tls.createSecureContext;
    trustDeferredExtraCa(tls);
    expect(tls.createSecureContext).toBe(original);
    expect(made).toEqual([]);
  });
});
