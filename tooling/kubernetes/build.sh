# shellcheck shell=bash
# Building the Kubernetes binaries and the single-binary images the node needs.
# Sourced by tooling/ensure-kubernetes.sh, which defines the paths, ports and versions used here.

# `go install k8s.io/kubernetes/cmd/…@vX` is refused because that module's go.mod replaces its staging modules
# (k8s.io/api, k8s.io/client-go, …) with local paths. A wrapper module requiring k8s.io/kubernetes can replace each
# one with its published v0.<minor>.<patch>; the list comes from the module's own go.mod so it can never drift.
write_wrapper_module() {
  local src="$1" kube_mod staging_version
  kube_mod="$(cd "$src" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  [ -f "$kube_mod" ] || die "go mod download k8s.io/kubernetes@$K8S_VERSION gave no go.mod"
  staging_version="v0.${K8S_VERSION#v1.}"
  {
    printf 'module isol8.local/kubernetes-build\n\ngo 1.24.0\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$K8S_VERSION"
    awk -v v="$staging_version" '$2 == "=>" && $3 ~ /^\.\/staging\// { printf "\t%s => %s %s\n", $1, $1, v }' "$kube_mod"
    printf ')\n'
  } >"$src/go.mod.new"
  mv "$src/go.mod.new" "$src/go.mod"
}

# The same variables hack/lib/version.sh sets, so `kubectl version` and the node report a real version.
version_ldflags() {
  local minor="${K8S_VERSION#v1.}" pkg flags="-s -w"
  minor="${minor%%.*}"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  printf '%s' "$flags"
}

# Builds each missing command into the version's cache; prints how long each took (the numbers in the docs).
build_kubernetes() {
  local src="$cache_dir/src" cmd missing=() started
  for cmd in "$@"; do [ -x "$bin_dir/$cmd" ] || missing+=("$cmd"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v go >/dev/null || die "Go is needed to build Kubernetes $K8S_VERSION (go 1.24 or newer on PATH)."
  mkdir -p "$src" "$bin_dir"
  if [ ! -f "$src/go.sum" ]; then
    log "Resolving k8s.io/kubernetes $K8S_VERSION through a wrapper module..."
    write_wrapper_module "$src"
  fi
  for cmd in "${missing[@]}"; do
    log "Building $cmd $K8S_VERSION (minutes on 2 cores; cached in $bin_dir)..."
    started=$SECONDS
    (
      cd "$src" || exit
      # The @version matters: a bare `go get` would upgrade k8s.io/kubernetes to the newest release.
      go get "k8s.io/kubernetes/cmd/$cmd@$K8S_VERSION" 2>&1 | { grep -vE '^go: (downloading|upgraded|added) ' || true; } >&2
      CGO_ENABLED=0 go build -trimpath -ldflags "$(version_ldflags)" -o "$bin_dir/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd"
    )
    mv "$bin_dir/$cmd.tmp" "$bin_dir/$cmd"
    log "Built $cmd in $((SECONDS - started)) s."
  done
}

# --- images built here ----------------------------------------------------------------------------------------

# Writes a `docker save`-style archive (manifest.json, config, one layer), the format `ctr images import` reads,
# holding one static binary as /$name. No Docker needed: the node's images must not depend on the engine's state.
write_binary_image() {
  local archive="$1" ref="$2" binary="$3" user="$4" name work layer_sha config_sha
  name="$(basename "$binary")"
  work="$(mktemp -d)"
  mkdir -p "$work/rootfs" "$work/archive"
  cp "$binary" "$work/rootfs/$name"
  tar --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$work/layer.tar" -C "$work/rootfs" "$name"
  layer_sha="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/%s"],"User":"%s"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$name" "$user" "$layer_sha" >"$work/config.json"
  config_sha="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
  mkdir -p "$work/archive/$layer_sha"
  mv "$work/layer.tar" "$work/archive/$layer_sha/layer.tar"
  mv "$work/config.json" "$work/archive/$config_sha.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' \
    "$config_sha" "$ref" "$layer_sha" >"$work/archive/manifest.json"
  tar -cf "$archive.tmp" -C "$work/archive" .
  mv "$archive.tmp" "$archive"
  rm -rf "$work"
}

# containerd starts a sandbox ("pause") container in every pod and would pull registry.k8s.io/pause, which is not
# reachable: build our own (tooling/kubernetes/pause, static Go).
build_pause_image() {
  [ -f "$cache_dir/pause.tar" ] && return 0
  (cd "$repo_root/tooling/kubernetes/pause" &&
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$bin_dir/pause" .)
  write_binary_image "$cache_dir/pause.tar" "$pause_image" "$bin_dir/pause" 65535:65535
}

# Imports an image archive into the node's containerd unless an image of that name is there.
import_archive() {
  ctr_ images ls -q | grep -qx "$2" && return 0
  ctr_ images import "$1" >/dev/null
}
