import { BAKED_DENO_DIR, RUNTIME_DENO_DIR } from "./environment.js";

/** Where the fragment puts the wrapper; every argv of this runtime goes through it. */
export const DENO_SCRIPT = "/usr/local/bin/isol8-deno";

/** Deno's package stores inside DENO_DIR: npm packages, and remote modules (jsr.io among them). */
const STORES = ["npm", "remote"];

/**
 * Deno reads one cache directory (DENO_DIR, always /sandbox/.deno), but packages may also be baked into the image's
 * read-only /usr/local/share/deno. The wrapper brings the baked package stores into /sandbox/.deno, then hands its
 * arguments to deno untouched (never into the script text):
 * - before a run, as symlinks: no copying, and Deno's own databases stay writable in /sandbox/.deno (on the
 *   read-only baked directory itself every run took 0.2 s instead of 0.03 s);
 * - before an install (`--install`), as copies, since `deno cache` adds to the stores.
 * `--bake` caches into the image's directory instead, readable by everyone.
 */
export const denoScript = `#!/bin/sh
set -eu
baked=${BAKED_DENO_DIR}
cache=${RUNTIME_DENO_DIR}
bring_baked_stores() {
  for store in ${STORES.join(" ")}; do
    [ -d "$baked/$store" ] || continue
    if [ "$1" = copy ] && [ -L "$cache/$store" ]; then rm "$cache/$store"; fi
    [ -e "$cache/$store" ] && continue
    mkdir -p "$cache"
    if [ "$1" = copy ]; then cp -R "$baked/$store" "$cache/$store"; else ln -s "$baked/$store" "$cache/$store"; fi
  done
}
case "\${1-}" in
  --bake)
    shift
    DENO_DIR=$baked deno cache --no-config "$@"
    chmod -R a+rX "$baked"
    ;;
  --install)
    shift
    bring_baked_stores copy
    DENO_DIR=$cache exec deno cache --no-config "$@"
    ;;
  *)
    bring_baked_stores link
    DENO_DIR=$cache exec deno "$@"
    ;;
esac
`;
