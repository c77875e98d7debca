/** The bundle into which isol8:base merges the system and the extra CA certificates. */
export const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** Run-time installs: apt's lists and downloads, and the root into which the packages are unpacked. */
export const APT_HOME = "/sandbox/.apt";
export const UNPACK_ROOT = `${APT_HOME}/root`;

/** Programs of unpacked packages; Debian's usr-merge is not replayed by `dpkg -x`, so /bin and /sbin count too. */
export const bashPath = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"].map((dir) => `${UNPACK_ROOT}${dir}`);

// The images are x86-64 only (Node, Bun and Deno come as linux-x64 builds), hence one multiarch triplet.
const LIBRARY_DIRS = ["/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib"];

/**
 * Unpacked libraries are found through LD_LIBRARY_PATH, as no ldconfig runs for them. SSL_CERT_FILE points
 * OpenSSL-based tools, including unpacked ones, at the bundle that also trusts a TLS-intercepting proxy.
 */
export const bashEnv: Record<string, string> = {
  LD_LIBRARY_PATH: LIBRARY_DIRS.map((dir) => `${UNPACK_ROOT}${dir}`).join(":"),
  SSL_CERT_FILE: CA_BUNDLE,
};
