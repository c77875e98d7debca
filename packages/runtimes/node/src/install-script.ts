import { BAKED_PREFIX, RUNTIME_PREFIX } from "./environment.js";

/** Where the fragment puts the install script; `install` and `bake` call it by this path. */
export const INSTALL_SCRIPT = "/usr/local/bin/isol8-npm-install";

/**
 * Installs packages given as arguments (after `--`); never evaluates them. Two modes:
 * - default, as the sandbox user at run time: a global install under /sandbox, then /sandbox/node_modules pointing
 *   at it, because ESM resolves bare imports only through node_modules folders above the importing file, never
 *   through NODE_PATH. The image's /node_modules does the same for baked packages.
 * - `--system`, as root in a bake: into /usr/local, from / so that npm, which runs lifecycle scripts as the owner of
 *   the working directory, runs them as root; the cache goes to a temporary directory so the image keeps none.
 */
export const installScript = `#!/bin/sh
set -eu
if [ "\${1-}" = --system ]; then
  shift
  cd /
  cache=$(mktemp -d)
  npm install --global --prefix ${BAKED_PREFIX} --cache "$cache" --no-audit --no-fund "$@"
  rm -rf "$cache"
  exit 0
fi
npm install --global --prefix ${RUNTIME_PREFIX} --no-audit --no-fund "$@"
if [ ! -e /sandbox/node_modules ]; then
  ln -s ${RUNTIME_PREFIX}/lib/node_modules /sandbox/node_modules
elif [ "$(readlink /sandbox/node_modules)" != ${RUNTIME_PREFIX}/lib/node_modules ]; then
  echo "isol8: /sandbox/node_modules exists, so import finds only the packages in it; require still finds the installed ones" >&2
fi
`;
