/** The bundle into which isol8:base merges the system and the extra CA certificates. */
export const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** Run-time installs land here (`pip install --user`): /sandbox is the only writable place that allows exec. */
export const USER_BASE = "/sandbox/.local";

/**
 * Environment of installs and runs. The CA variables matter because isol8 may sit behind a TLS-intercepting proxy:
 * pip reads PIP_CERT, the `requests` library REQUESTS_CA_BUNDLE, and OpenSSL users such as `ssl`/`urllib`
 * SSL_CERT_FILE. Debian's pip already uses the system bundle (tested: it downloads without them); they keep that
 * true for a pip from PyPI (`pip install --user pip`) and for the user's own `requests`, which bring certifi.
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
