#!/usr/bin/env bash
# A container registry on loopback for the Kubernetes engine's tests: the CNCF Distribution registry, built from the
# Go module proxy (no registry image can be pulled here), on 127.0.0.1:5000, plain HTTP. Docker pushes to it without
# any daemon setting (127.0.0.0/8 is an insecure registry by default), and the node's containerd pulls from it
# (tooling/kubernetes/node.sh writes its hosts.toml): image pulls are made by containerd on the host, not by pods.
#
#   ensure-registry.sh        build it when missing, start it unless it runs with the same config, wait until it answers
#   ensure-registry.sh stop   stop it (its storage is kept)
#
# Idempotent, like ensure-kubernetes.sh: a second run takes well under a second. Progress goes to stderr.
# See docs/kubernetes-cluster.md ("A registry on loopback").
set -euo pipefail

REGISTRY_VERSION="${ISOL8_REGISTRY_VERSION:-v3.1.2}"
# The module's hash as sum.golang.org records it (`go mod download -json …@v3.1.2`): the build refuses any other.
REGISTRY_MODULE_SUM="h1:/Bv2YIqqSR00HiO49FT93hovy6r9IlrzwUDsJjCN5qg="
module=github.com/distribution/distribution/v3
address="${ISOL8_REGISTRY_ADDRESS:-127.0.0.1:5000}"
bin="${ISOL8_REGISTRY_CACHE:-/var/cache/isol8/registry}/$REGISTRY_VERSION/bin/registry"
state_dir="${ISOL8_REGISTRY_STATE:-/var/lib/isol8-registry}"
log_dir="${ISOL8_REGISTRY_LOGS:-/var/log/isol8-registry}"
run_dir=/run/isol8-registry
config="$state_dir/config.yml"
pid_file="$run_dir/registry.pid"
args_file="$run_dir/registry.args"

log() { printf '[isol8] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

build_registry() {
  [ -x "$bin" ] && return 0
  command -v go >/dev/null || die "Building the registry needs Go ≥ 1.24 on PATH."
  local started=$SECONDS gobin sum
  log "Building the Distribution registry $REGISTRY_VERSION from the Go module proxy..."
  sum="$(go mod download -json "$module@$REGISTRY_VERSION" | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",*$/\1/p')"
  [ "$sum" = "$REGISTRY_MODULE_SUM" ] ||
    die "$module@$REGISTRY_VERSION has hash '$sum', expected $REGISTRY_MODULE_SUM: refusing to build it."
  gobin="$(mktemp -d)"
  GOBIN="$gobin" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "$module/cmd/registry@$REGISTRY_VERSION"
  mkdir -p "$(dirname "$bin")"
  mv "$gobin/registry" "$bin"
  rm -rf "$gobin"
  log "Built the registry in $((SECONDS - started)) s."
}

write_config() {
  mkdir -p "$state_dir/data" "$log_dir" "$run_dir"
  cat >"$config.tmp" <<EOF_CONFIG
version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: $state_dir/data
  # Lets a test remove what it pushed (DELETE /v2/<name>/manifests/<digest>); blobs stay until garbage-collect.
  delete:
    enabled: true
http:
  # Loopback only: nothing outside this machine can push or pull. No TLS: Docker and the node's containerd both
  # speak plain HTTP to 127.0.0.1 (Docker by default, containerd by its hosts.toml).
  addr: $address
  headers:
    X-Content-Type-Options: [nosniff]
EOF_CONFIG
  mv "$config.tmp" "$config"
}

# The binary, the address and the config's content: what must match for a running registry to be kept.
fingerprint() { printf '%s\n%s\n' "$bin" "$address"; sha256sum "$config"; }

running() {
  [ -f "$pid_file" ] || return 1
  [ "$(readlink "/proc/$(cat "$pid_file")/exe" 2>/dev/null)" = "$(readlink -f "$bin")" ]
}

answers() { curl -fs --max-time 2 -o /dev/null "http://$address/v2/"; }

stop_registry() {
  [ -f "$pid_file" ] || return 0
  local pid
  pid="$(cat "$pid_file")"
  if running; then
    log "Stopping the registry (pid $pid)..."
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$pid_file"
}

start_registry() {
  if running; then
    if [ "$(cat "$args_file" 2>/dev/null)" = "$(fingerprint)" ]; then
      answers && return 0
      log "The registry runs but does not answer on $address: restarting it."
    else
      log "The registry runs with another version or config: restarting it."
    fi
    stop_registry
  fi
  # Another program on the port would take our pushes (or refuse them) and look like a broken registry.
  if answers || (exec 3<>"/dev/tcp/${address%:*}/${address##*:}") 2>/dev/null; then
    die "Something else listens on $address: stop it, or set ISOL8_REGISTRY_ADDRESS (and kubernetes.image.registry)."
  fi
  fingerprint >"$args_file"
  log "Starting the registry on $address (log: $log_dir/registry.log)..."
  setsid nohup "$bin" serve "$config" >>"$log_dir/registry.log" 2>&1 </dev/null &
  echo $! >"$pid_file"
  for _ in $(seq 1 60); do
    answers && { log "The registry answers on http://$address/v2/."; return 0; }
    running || break
    sleep 0.5
  done
  log "The registry did not answer on $address. Last lines of $log_dir/registry.log:"
  tail -n 20 "$log_dir/registry.log" >&2 || true
  exit 1
}

case "${1:-}" in
  "")
    [ "$(id -u)" = "0" ] || die "ensure-registry.sh writes under /var/lib, /var/log and /run: run it as root."
    build_registry
    write_config
    start_registry
    ;;
  stop) stop_registry ;;
  *) die "usage: ensure-registry.sh [stop]" ;;
esac
