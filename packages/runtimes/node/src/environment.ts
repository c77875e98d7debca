/** The bundle into which isol8:base merges the system and the extra CA certificates. */
export const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** `npm install --global --prefix` of run-time installs: packages in lib/node_modules, commands in bin. */
export const RUNTIME_PREFIX = "/sandbox/.npm-global";

/** npm's default global prefix, where bakes install. */
export const BAKED_PREFIX = "/usr/local";

/**
 * Node and npm do not read the system store: NODE_EXTRA_CA_CERTS adds the bundle (and with it any extra CA) to
 * Node's built-in roots, for npm's downloads and for the program's own `fetch`/`https`. NODE_PATH serves `require`;
 * ESM imports ignore it and are served by node_modules folders instead (see the install script).
 */
export const nodeEnv: Record<string, string> = {
  NODE_EXTRA_CA_CERTS: CA_BUNDLE,
  NODE_PATH: `${RUNTIME_PREFIX}/lib/node_modules:${BAKED_PREFIX}/lib/node_modules`,
  npm_config_cache: "/sandbox/.npm",
  npm_config_update_notifier: "false",
  npm_config_fund: "false",
  npm_config_audit: "false",
};

export const nodePath = [`${RUNTIME_PREFIX}/bin`];
