/** The bundle into which isol8:base merges the system and the extra CA certificates. */
export const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** BUN_INSTALL of run-time installs: `bun add --global` puts packages in install/global/node_modules. */
export const RUNTIME_BUN_INSTALL = "/sandbox/.bun";

/** BUN_INSTALL of bakes. */
export const BAKED_BUN_INSTALL = "/usr/local/share/bun";

export const globalModules = (bunInstall: string) => `${bunInstall}/install/global/node_modules`;

/**
 * Bun resolves both `import` and `require` through NODE_PATH, so both global folders go there: run-time installs
 * first, then baked ones. Bun ships its own root certificates and ignores the system store unless told:
 * NODE_EXTRA_CA_CERTS adds the bundle for `bun add` and for the program's `fetch` (tested: without it both fail
 * with SELF_SIGNED_CERT_IN_CHAIN behind an intercepting proxy).
 */
export const bunEnv: Record<string, string> = {
  NODE_EXTRA_CA_CERTS: CA_BUNDLE,
  BUN_INSTALL: RUNTIME_BUN_INSTALL,
  BUN_INSTALL_CACHE_DIR: `${RUNTIME_BUN_INSTALL}/install/cache`,
  NODE_PATH: `${globalModules(RUNTIME_BUN_INSTALL)}:${globalModules(BAKED_BUN_INSTALL)}`,
  DO_NOT_TRACK: "1",
};

export const bunPath = [`${RUNTIME_BUN_INSTALL}/bin`, `${BAKED_BUN_INSTALL}/bin`];
