import { BAKED_DENO_DIR, RUNTIME_DENO_DIR } from "./environment.js";

/** Where the fragment puts the wrapper; every argv of this runtime goes through it. */
export const DENO_SCRIPT = "/usr/local/bin/isol8-deno";

/** Written by a bake: the baked cache holds packages. */
const BAKED_MARKER = `${BAKED_DENO_DIR}/.isol8-baked`;

/**
 * Deno reads one cache directory, but packages live in two: baked into the image (read-only at run time) and
 * installed at run time under /sandbox. The wrapper picks one per call; arguments go to deno untouched.
 * - `--bake`: cache into the image's directory, readable by everyone.
 * - `--install`: cache under /sandbox, starting from a copy of the baked cache if there is one, so that a run
 *   after the install still sees baked packages.
 * - otherwise, run deno; with no run-time cache yet, on the baked one.
 */
export const denoScript = `#!/bin/sh
set -eu
case "\${1-}" in
  --bake)
    shift
    DENO_DIR=${BAKED_DENO_DIR} deno cache --no-config "$@"
    touch ${BAKED_MARKER}
    chmod -R a+rX ${BAKED_DENO_DIR}
    ;;
  --install)
    shift
    if [ ! -e ${RUNTIME_DENO_DIR} ] && [ -e ${BAKED_MARKER} ]; then
      cp -R ${BAKED_DENO_DIR} ${RUNTIME_DENO_DIR}
    fi
    export DENO_DIR=${RUNTIME_DENO_DIR}
    exec deno cache --no-config "$@"
    ;;
  *)
    if [ ! -e ${RUNTIME_DENO_DIR} ] && [ -e ${BAKED_MARKER} ]; then
      export DENO_DIR=${BAKED_DENO_DIR}
    fi
    exec deno "$@"
    ;;
esac
`;
