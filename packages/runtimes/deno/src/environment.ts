/** The bundle into which isol8:base merges the system and the extra CA certificates. */
export const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** DENO_DIR of run-time installs and runs: Deno keeps npm and jsr packages in its cache directory. */
export const RUNTIME_DENO_DIR = "/sandbox/.deno";

/** DENO_DIR of bakes; its package stores reach /sandbox/.deno through the wrapper (see deno-script.ts). */
export const BAKED_DENO_DIR = "/usr/local/share/deno";

/**
 * Deno trusts its bundled Mozilla roots only. DENO_CERT adds the bundle (tested: SSL_CERT_FILE alone does not;
 * DENO_TLS_CA_STORE=system would also work, but DENO_CERT says exactly which file). NO_COLOR because Deno colours
 * messages and stack traces even when they go to a pipe, and isol8 captures them.
 */
export const denoEnv: Record<string, string> = {
  DENO_DIR: RUNTIME_DENO_DIR,
  DENO_CERT: CA_BUNDLE,
  DENO_NO_UPDATE_CHECK: "1",
  DENO_NO_PROMPT: "1",
  NO_COLOR: "1",
};
