/** The bundle into which isol8:base merges the system and the extra CA certificates. */
export const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** Run-time installs land here (`pip install --user`): /sandbox is the only writable place that allows exec. */
export const USER_BASE = "/sandbox/.local";

/**
 * Environment of installs and runs. The CA variables matter because isol8 may sit behind a TLS-intercepting proxy:
 * pip reads PIP_CERT, `requests` (pip's vendored copy and the user's) reads REQUESTS_CA_BUNDLE, and OpenSSL users
 * such as `ssl`/`urllib` read SSL_CERT_FILE. Debian's pip already defaults to the system bundle; setting them keeps
 * that true for a pip that a user upgrades with `pip install --user pip`.
 */
export const pythonEnv: Record<string, string> = {
  PYTHONUSERBASE: USER_BASE,
  PYTHONUNBUFFERED: "1",
  PIP_CERT: CA_BUNDLE,
  REQUESTS_CA_BUNDLE: CA_BUNDLE,
  SSL_CERT_FILE: CA_BUNDLE,
  PIP_DISABLE_PIP_VERSION_CHECK: "1",
};

/** Console scripts of `--user` installs. */
export const pythonPath = [`${USER_BASE}/bin`];
