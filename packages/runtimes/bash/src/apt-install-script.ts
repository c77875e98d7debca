import { APT_HOME, UNPACK_ROOT } from "./environment.js";

/** Where the fragment puts the script; `install` and `bake` call it by this path. */
export const APT_INSTALL_SCRIPT = "/usr/local/bin/isol8-apt-install";

/**
 * Installs Debian packages named in its arguments (after `--`), which reach apt-get as separate arguments and are
 * never evaluated. Two modes:
 * - default, as the sandbox user at run time, with a read-only root: apt keeps its lists and downloads under
 *   /sandbox, does not lock (the lock files are on the read-only root) and does not try to drop to `_apt`, which
 *   only root can; each downloaded package (with the dependencies the image lacks) is unpacked with `dpkg -x`.
 *   Maintainer scripts do not run: enough for command-line tools and libraries, not for services. /sandbox is a
 *   tmpfs, so memory: the package lists stay compressed, apt writes no binary cache, and lists and downloads go
 *   once the packages are unpacked.
 * - `--system`, as root in a bake: a normal apt-get install, leaving no package lists in the image.
 */
export const aptInstallScript = `#!/bin/bash
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if [[ \${1-} == --system ]]; then
  shift
  apt-get update
  apt-get install -y --no-install-recommends "$@"
  apt-get clean
  rm -rf /var/lib/apt/lists/*
  exit 0
fi
apt_home=${APT_HOME}
mkdir -p "$apt_home/lists/partial" "$apt_home/cache/archives/partial" "$apt_home/log" ${UNPACK_ROOT}
options=(
  -o "Dir::State::Lists=$apt_home/lists"
  -o "Dir::Cache=$apt_home/cache"
  -o "Dir::Log=$apt_home/log"
  -o Debug::NoLocking=1
  -o "APT::Sandbox::User=$(id -un)"
  -o Acquire::GzipIndexes=true
  -o Dir::Cache::pkgcache=
  -o Dir::Cache::srcpkgcache=
)
apt-get "\${options[@]}" -q update
apt-get "\${options[@]}" -q install -y --download-only --no-install-recommends "$@"
shopt -s nullglob
for deb in "$apt_home"/cache/archives/*.deb; do
  dpkg-deb --extract "$deb" ${UNPACK_ROOT}
done
rm -rf "$apt_home/lists" "$apt_home/cache"
`;
