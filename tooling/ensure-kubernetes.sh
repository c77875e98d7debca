#!/usr/bin/env bash
# Builds and starts a real single-node Kubernetes cluster from what our registries serve (Go module proxy, Debian):
# no container registry and no release download is reachable, so kind/minikube/k3s cannot work here.
# Idempotent: binaries are cached by version, certificates and configs are kept, and a component that already
# answers is left alone, so a second run takes seconds.
#
#   ensure-kubernetes.sh              build what is missing, start what is not running, wait for a Ready node
#   ensure-kubernetes.sh load IMAGE…  copy Docker images into the node's containerd (same as k8s-load-images.sh)
#   ensure-kubernetes.sh check [IMAGE] run a pod from IMAGE (default isol8:base) and exec in it
#   ensure-kubernetes.sh stop         stop every component this script started (state and cache are kept)
#
# Prints `export KUBECONFIG=…` on stdout when the cluster is ready; everything else goes to stderr.
# See docs/kubernetes-cluster.md for what runs where, versions and known limits.
set -euo pipefail

# 1.34 is the newest line that fits this machine without workarounds: ≥1.36 needs containerd 2.x (Debian ships
# 1.6.20) and ≥1.35 refuses cgroup v1 by default (our hosts run cgroup v1 hybrid).
K8S_VERSION="${ISOL8_K8S_VERSION:-v1.34.4}"
cache_dir="${ISOL8_K8S_CACHE:-/var/cache/isol8/kubernetes}/$K8S_VERSION"
bin_dir="$cache_dir/bin"
state_dir="${ISOL8_K8S_STATE:-/var/lib/isol8-kubernetes}"
log_dir="${ISOL8_K8S_LOGS:-/var/log/isol8-kubernetes}"
run_dir=/run/isol8-kubernetes
pki_dir="$state_dir/pki"
kubeconfig="$state_dir/admin.kubeconfig"
containerd_sock="$run_dir/containerd/containerd.sock"
node_name="${ISOL8_K8S_NODE:-isol8-node}"
# Docker takes 172.17.0.0/16 and user networks from 172.18+ and 192.168.x; 10.x ranges stay clear of both.
pod_cidr=10.244.0.0/24
service_cidr=10.96.0.0/16
apiserver_port=6443
etcd_client_port=2479 # not 2379: a developer's own etcd may already hold the default port
etcd_peer_port=2480
pause_image=registry.k8s.io/pause:isol8
KNP_VERSION=v0.8.0
knp_image="isol8.local/kube-network-policies:$KNP_VERSION"
repo_root="$(cd "$(dirname "$0")/.." && pwd)"

log() { printf '[isol8] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

require_root_on_debian() {
  if [ "$(id -u)" != "0" ] || [ ! -f /etc/debian_version ]; then
    die "ensure-kubernetes.sh builds and runs a node (containerd, kubelet): it needs root on Debian/Ubuntu."
  fi
}

# --- packages -------------------------------------------------------------------------------------------------

install_packages() {
  local missing=()
  command -v containerd >/dev/null || missing+=(containerd)
  command -v runc >/dev/null || missing+=(runc)
  [ -x /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
  command -v etcd >/dev/null || missing+=(etcd-server)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v iptables >/dev/null || missing+=(iptables)
  command -v conntrack >/dev/null || missing+=(conntrack)
  # kubelet's port-forward shells out to socat on containerd 1.6; cheap to have.
  command -v socat >/dev/null || missing+=(socat)
  [ ${#missing[@]} -eq 0 ] && return 0
  apt_install "${missing[@]}"
}

apt_install() {
  log "Installing Debian packages: $*..."
  export DEBIAN_FRONTEND=noninteractive
  # Third-party apt sources may be unreachable on locked-down hosts; Debian's own mirror is enough here.
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- binaries -------------------------------------------------------------------------------------------------

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
      cd "$src"
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

# --- certificates ---------------------------------------------------------------------------------------------

# Issues "$name.crt"/"$name.key" signed by our CA unless they exist. $3 is the organisation (Kubernetes group),
# $4 an optional subjectAltName list for serving certificates.
issue_cert() {
  local name="$1" cn="$2" org="$3" sans="${4:-}" ext
  [ -f "$pki_dir/$name.crt" ] && return 0
  ext="$(mktemp)"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [ -n "$sans" ]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$sans"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  openssl req -new -newkey rsa:2048 -nodes -keyout "$pki_dir/$name.key" -out "$pki_dir/$name.csr" \
    -subj "/O=$org/CN=$cn" 2>/dev/null
  openssl x509 -req -in "$pki_dir/$name.csr" -CA "$pki_dir/ca.crt" -CAkey "$pki_dir/ca.key" -CAcreateserial \
    -days 3650 -extfile "$ext" -out "$pki_dir/$name.crt" 2>/dev/null
  rm -f "$pki_dir/$name.csr" "$ext"
}

# A kubeconfig that authenticates with the client certificate "$name".
write_kubeconfig() {
  local name="$1" file="$2"
  [ -f "$file" ] && return 0
  cat >"$file.tmp" <<EOF_KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: isol8
  cluster:
    server: https://127.0.0.1:$apiserver_port
    certificate-authority: $pki_dir/ca.crt
users:
- name: $name
  user:
    client-certificate: $pki_dir/$name.crt
    client-key: $pki_dir/$name.key
contexts:
- name: isol8
  context: {cluster: isol8, user: $name}
current-context: isol8
EOF_KUBECONFIG
  mv "$file.tmp" "$file"
}

ensure_pki() {
  mkdir -p "$pki_dir"
  chmod 700 "$pki_dir"
  if [ ! -f "$pki_dir/ca.crt" ]; then
    log "Generating the cluster CA and certificates in $pki_dir..."
    openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$pki_dir/ca.key" -out "$pki_dir/ca.crt" \
      -days 3650 -subj "/CN=isol8-kubernetes-ca" 2>/dev/null
  fi
  # 10.96.0.1 is the `kubernetes` Service's ClusterIP: the first address of the service range.
  issue_cert apiserver kube-apiserver isol8 \
    "IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  # Names and groups below are the ones Kubernetes' built-in RBAC roles and the Node authorizer expect.
  issue_cert admin isol8-admin system:masters
  issue_cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
  issue_cert kubelet "system:node:$node_name" system:nodes
  issue_cert controller-manager system:kube-controller-manager system:kube-controller-manager
  issue_cert scheduler system:kube-scheduler system:kube-scheduler
  if [ ! -f "$pki_dir/service-accounts.key" ]; then
    openssl genrsa -out "$pki_dir/service-accounts.key" 2048 2>/dev/null
    openssl rsa -in "$pki_dir/service-accounts.key" -pubout -out "$pki_dir/service-accounts.pub" 2>/dev/null
  fi
  write_kubeconfig admin "$kubeconfig"
  write_kubeconfig kubelet "$state_dir/kubelet.kubeconfig"
  write_kubeconfig controller-manager "$state_dir/controller-manager.kubeconfig"
  write_kubeconfig scheduler "$state_dir/scheduler.kubeconfig"
}

# --- processes ------------------------------------------------------------------------------------------------

# True when the pid file of $1 names a live process running the executable $2 (a reused pid does not count).
daemon_running() {
  local pid_file="$run_dir/$1.pid" exe
  [ -f "$pid_file" ] || return 1
  exe="$(readlink "/proc/$(cat "$pid_file")/exe" 2>/dev/null)" || return 1
  [ "$exe" = "$(readlink -f "$(command -v "$2")")" ]
}

# The command line plus the content of the config files it names: what must match for a running daemon to be kept.
daemon_fingerprint() {
  local arg
  printf '%s\n' "$*"
  for arg in "$@"; do
    case "$arg" in *.toml | *.yaml) [ -f "$arg" ] && sha256sum "$arg" ;; esac
  done
}

# Starts "$@" detached (setsid: it outlives this script) unless it already runs with the same command line; one
# started with other flags or config (an older version of this script) is restarted.
start_daemon() {
  local name="$1" pid_file="$run_dir/$1.pid" args_file="$run_dir/$1.args"
  shift
  if daemon_running "$name" "$1"; then
    [ "$(cat "$args_file" 2>/dev/null)" = "$(daemon_fingerprint "$@")" ] && return 0
    log "$name runs with other flags or config: restarting it."
    stop_daemon "$name"
  fi
  daemon_fingerprint "$@" >"$args_file"
  log "Starting $name (log: $log_dir/$name.log)..."
  setsid nohup "$@" >>"$log_dir/$name.log" 2>&1 </dev/null &
  echo $! >"$pid_file"
}

# Waits up to $2 seconds for the command "${@:3}" to succeed; on timeout shows the component's log.
wait_for() {
  local name="$1" seconds="$2"
  shift 2
  for _ in $(seq 1 $((seconds * 2))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  log "$name did not become ready within $seconds s. Last lines of $log_dir/$name.log:"
  tail -n 30 "$log_dir/$name.log" >&2 || true
  exit 1
}

stop_daemon() {
  local pid_file="$run_dir/$1.pid" pid
  [ -f "$pid_file" ] || return 0
  pid="$(cat "$pid_file")"
  if kill -0 "$pid" 2>/dev/null; then
    log "Stopping $1 (pid $pid)..."
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$pid_file"
}

kubectl_() { "$bin_dir/kubectl" --kubeconfig "$kubeconfig" "$@"; }

# --- control plane --------------------------------------------------------------------------------------------

start_etcd() {
  mkdir -p "$state_dir/etcd"
  chmod 700 "$state_dir/etcd"
  # Plain HTTP on loopback only: nothing but the API server on this host talks to it.
  start_daemon etcd etcd --name isol8 --data-dir "$state_dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_client_port" \
    --advertise-client-urls "http://127.0.0.1:$etcd_client_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster "isol8=http://127.0.0.1:$etcd_peer_port" \
    --quota-backend-bytes 2147483648 --auto-compaction-retention 1
  wait_for etcd 30 curl -fsS "http://127.0.0.1:$etcd_client_port/health"
}

start_apiserver() {
  start_daemon kube-apiserver "$bin_dir/kube-apiserver" \
    --bind-address 127.0.0.1 --secure-port "$apiserver_port" \
    --etcd-servers "http://127.0.0.1:$etcd_client_port" \
    --service-cluster-ip-range "$service_cidr" \
    --client-ca-file "$pki_dir/ca.crt" \
    --tls-cert-file "$pki_dir/apiserver.crt" --tls-private-key-file "$pki_dir/apiserver.key" \
    --kubelet-client-certificate "$pki_dir/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$pki_dir/apiserver-kubelet-client.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki_dir/service-accounts.pub" \
    --service-account-signing-key-file "$pki_dir/service-accounts.key" \
    --kubelet-preferred-address-types InternalIP,Hostname \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --profiling=false
  wait_for kube-apiserver 90 curl -fsS --cacert "$pki_dir/ca.crt" --cert "$pki_dir/admin.crt" \
    --key "$pki_dir/admin.key" "https://127.0.0.1:$apiserver_port/readyz"
}

start_controllers() {
  # The controller manager creates each namespace's `default` ServiceAccount and `kube-root-ca.crt` ConfigMap
  # (without them the ServiceAccount admission rejects pods or their token volume never mounts), finishes namespace
  # deletion and garbage-collects; the scheduler places pods that do not name a node.
  start_daemon kube-controller-manager "$bin_dir/kube-controller-manager" \
    --kubeconfig "$state_dir/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$state_dir/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$state_dir/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 10257 --leader-elect=false \
    --use-service-account-credentials \
    --service-account-private-key-file "$pki_dir/service-accounts.key" \
    --root-ca-file "$pki_dir/ca.crt" \
    --cluster-signing-cert-file "$pki_dir/ca.crt" --cluster-signing-key-file "$pki_dir/ca.key" \
    --service-cluster-ip-range "$service_cidr" \
    --controllers '*,-bootstrapsigner,-tokencleaner,-cloud-node-lifecycle,-route,-service'
  start_daemon kube-scheduler "$bin_dir/kube-scheduler" \
    --kubeconfig "$state_dir/scheduler.kubeconfig" \
    --authentication-kubeconfig "$state_dir/scheduler.kubeconfig" \
    --authorization-kubeconfig "$state_dir/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port 10259 --leader-elect=false
}

# --- the node -------------------------------------------------------------------------------------------------

# True when this process cannot lower its OOM score (no CAP_SYS_RESOURCE): see the containerd config below.
restrict_oom_score_adj() {
  local current
  current="$(cat /proc/self/oom_score_adj)"
  if (echo $((current - 1)) >/proc/self/oom_score_adj) 2>/dev/null; then echo false; else echo true; fi
}

# A containerd of our own (root, state, socket, config apart from the one dockerd runs) so pods and Docker's
# containers never share a store and stopping one leaves the other alone.
write_containerd_config() {
  mkdir -p "$state_dir/containerd" "$state_dir/cni/net.d" "$run_dir/containerd"
  cat >"$state_dir/containerd/config.toml.tmp" <<EOF_TOML
version = 2
root = "$state_dir/containerd/root"
state = "$run_dir/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]

[grpc]
  address = "$containerd_sock"

[plugins."io.containerd.internal.v1.opt"]
  path = "$state_dir/containerd/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_image"
  # The kubelet asks for negative oom_score_adj values (-998 for the sandbox); lowering it needs CAP_SYS_RESOURCE,
  # which our CI VMs withhold from root, and runc then dies with "can't get final child's PID from pipe: EOF".
  # Clamping to containerd's own score keeps pods startable and changes nothing on a host that has the capability
  # but for the OOM killer's preference among pods.
  restrict_oom_score_adj = $(restrict_oom_score_adj)
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$state_dir/cni/net.d"
EOF_TOML
  mv "$state_dir/containerd/config.toml.tmp" "$state_dir/containerd/config.toml"
}

# One bridge for the node's pods. 10.244.0.0/24 stays clear of Docker's 172.17+/192.168 ranges. Docker sets the
# FORWARD policy to DROP (and loads br_netfilter, so even bridged pod-to-pod traffic crosses FORWARD): the firewall
# plugin adds accept rules for each pod address ahead of Docker's chains.
write_cni_config() {
  cat >"$state_dir/cni/net.d/10-isol8.conflist.tmp" <<EOF_CNI
{
  "cniVersion": "0.4.0",
  "name": "isol8-pods",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "isol8-cni0",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$pod_cidr" }]],
        "routes": [{ "dst": "0.0.0.0/0" }],
        "dataDir": "$state_dir/cni/ipam"
      }
    },
    { "type": "firewall" },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF_CNI
  mv "$state_dir/cni/net.d/10-isol8.conflist.tmp" "$state_dir/cni/net.d/10-isol8.conflist"
}

ctr_() { ctr --address "$containerd_sock" --namespace k8s.io "$@"; }

start_containerd() {
  write_containerd_config
  write_cni_config
  start_daemon containerd containerd --config "$state_dir/containerd/config.toml"
  wait_for containerd 30 ctr --address "$containerd_sock" version
  import_archive "$cache_dir/pause.tar" "$pause_image"
}

# The address the node reports: kubelet refuses a loopback node IP, so use the host's primary address.
node_ip() {
  local ip
  ip="$(ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')"
  [ -n "$ip" ] || ip="$(ip -4 -o addr show scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }')"
  [ -n "$ip" ] || die "no global IPv4 address for the node"
  printf '%s' "$ip"
}

write_kubelet_config() {
  mkdir -p "$state_dir/kubelet"
  cat >"$state_dir/kubelet/config.yaml.tmp" <<EOF_KUBELET
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $(node_ip)
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $pki_dir/ca.crt }
authorization: { mode: Webhook }
containerRuntimeEndpoint: unix://$containerd_sock
cgroupDriver: cgroupfs
# Our hosts run cgroup v1 (hybrid). 1.34 accepts it by default; the explicit opt-out keeps a newer kubelet working.
failCgroupV1: false
failSwapOn: false
# Workload images are imported, never pulled: image GC must not delete them when the disk fills up.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 2%
  imagefs.available: 2%
podCIDR: $pod_cidr
resolvConf: /etc/resolv.conf
serializeImagePulls: false
EOF_KUBELET
  mv "$state_dir/kubelet/config.yaml.tmp" "$state_dir/kubelet/config.yaml"
}

start_kubelet() {
  write_kubelet_config
  start_daemon kubelet "$bin_dir/kubelet" \
    --config "$state_dir/kubelet/config.yaml" \
    --kubeconfig "$state_dir/kubelet.kubeconfig" \
    --root-dir "$state_dir/kubelet/root" \
    --hostname-override "$node_name" --node-ip "$(node_ip)"
  wait_for kubelet 60 curl -fsS http://127.0.0.1:10248/healthz
}

node_ready() {
  kubectl_ get node "$node_name" \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -qx True
}

# --- NetworkPolicy --------------------------------------------------------------------------------------------

# The bridge CNI enforces no NetworkPolicy. kube-network-policies (a SIG Network project) does, with nftables and an
# nfqueue on the node, and needs no image from a registry: we build it with go and wrap it like the pause image.
build_network_policy_image() {
  [ -f "$cache_dir/kube-network-policies.tar" ] && return 0
  if [ ! -x "$bin_dir/kube-network-policies" ]; then
    local started=$SECONDS gobin
    log "Building kube-network-policies $KNP_VERSION..."
    gobin="$(mktemp -d)"
    # Its go.mod has no local replaces, so a plain `go install` works; the main package is named `cmd`.
    GOBIN="$gobin" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" \
      "sigs.k8s.io/kube-network-policies/cmd@$KNP_VERSION"
    mv "$gobin/cmd" "$bin_dir/kube-network-policies"
    rm -rf "$gobin"
    log "Built kube-network-policies in $((SECONDS - started)) s."
  fi
  write_binary_image "$cache_dir/kube-network-policies.tar" "$knp_image" "$bin_dir/kube-network-policies" 0:0
}

# kube-network-policies hands packets to user space with the nftables `queue` expression (kernel nft_queue). Some
# kernels lack it (our CI VMs: `nft add rule … queue num 100` fails with "No such file or directory", and the
# controller then logs "syncing nftables rules … netlink receive: no such file or directory" forever). Probe first.
nft_queue_supported() {
  local table="isol8_probe_$$" ok=0
  command -v nft >/dev/null || apt_install nftables
  nft add table inet "$table"
  nft "add chain inet $table probe { type filter hook forward priority 0 ; }"
  nft "add rule inet $table probe ip daddr 192.0.2.255 queue num 65000 bypass" 2>/dev/null || ok=1
  nft delete table inet "$table"
  return "$ok"
}

# Runs it as a DaemonSet on the host network. No kube-proxy routes the `kubernetes` Service, so its in-cluster
# client is pointed at the API server's loopback address, which the host network reaches.
start_network_policies() {
  import_archive "$cache_dir/kube-network-policies.tar" "$knp_image"
  kubectl_ apply -f - >/dev/null <<EOF_KNP
apiVersion: v1
kind: ServiceAccount
metadata: {name: kube-network-policies, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: isol8:kube-network-policies}
rules:
- apiGroups: [""]
  resources: [pods, namespaces, nodes]
  verbs: [get, list, watch]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: isol8:kube-network-policies}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: isol8:kube-network-policies}
subjects:
- {kind: ServiceAccount, name: kube-network-policies, namespace: kube-system}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kube-network-policies, namespace: kube-system}
spec:
  selector:
    matchLabels: {app: kube-network-policies}
  template:
    metadata:
      labels: {app: kube-network-policies}
    spec:
      serviceAccountName: kube-network-policies
      hostNetwork: true
      priorityClassName: system-node-critical
      tolerations: [{operator: Exists}]
      containers:
      - name: kube-network-policies
        image: $knp_image
        imagePullPolicy: Never
        # containerd 1.6 has no NRI socket; pod addresses come from the API server instead.
        args: [--hostname-override=$node_name, --disable-nri, --metrics-bind-address=127.0.0.1:9080]
        env:
        - {name: KUBERNETES_SERVICE_HOST, value: 127.0.0.1}
        - {name: KUBERNETES_SERVICE_PORT, value: "$apiserver_port"}
        securityContext:
          capabilities: {add: [NET_ADMIN]}
        resources:
          requests: {cpu: 10m, memory: 50Mi}
EOF_KNP
  wait_for kube-network-policies 60 kubectl_ rollout status daemonset/kube-network-policies \
    --namespace kube-system --timeout 2s
}

# --- images ---------------------------------------------------------------------------------------------------

# Copies Docker images into the node's containerd so pods can use them with `imagePullPolicy: Never`. The Docker
# image id is kept as a label on the containerd image: an image whose id did not change is skipped.
load_images() {
  local image id ref
  [ $# -gt 0 ] || die "usage: ensure-kubernetes.sh load IMAGE..."
  ctr --address "$containerd_sock" version >/dev/null 2>&1 ||
    die "the node's containerd ($containerd_sock) does not answer: run tooling/ensure-kubernetes.sh first"
  for image in "$@"; do
    id="$(docker image inspect --format '{{.Id}}' "$image")" || die "Docker has no image $image"
    ref="$(normalized_ref "$image")"
    if ctr_ images ls "name==$ref" | grep -q "isol8.docker-id=$id"; then
      continue
    fi
    log "Loading $image into the node's containerd..."
    docker save "$image" | ctr_ images import - >/dev/null
    ctr_ images label "$ref" "isol8.docker-id=$id" >/dev/null
  done
}

# The name containerd stores for a Docker reference: `isol8:python` becomes `docker.io/library/isol8:python`.
normalized_ref() {
  local ref="$1" first="${1%%/*}"
  [[ "$ref" == *:* || "$ref" == *@* ]] || ref="$ref:latest"
  if [[ "$ref" != */* ]]; then
    ref="docker.io/library/$ref"
  elif [[ "$first" != *.* && "$first" != *:* && "$first" != localhost ]]; then
    ref="docker.io/$ref"
  fi
  printf '%s' "$ref"
}

# --- entry points ---------------------------------------------------------------------------------------------

ensure_cluster() {
  require_root_on_debian
  install_packages
  mkdir -p "$state_dir" "$log_dir" "$run_dir" "$bin_dir"
  build_kubernetes kube-apiserver kubelet kube-controller-manager kube-scheduler kubectl
  build_pause_image
  ensure_pki
  start_etcd
  start_apiserver
  start_controllers
  start_containerd
  start_kubelet
  wait_for kubelet 90 node_ready
  # Pods are admitted only once their namespace's ServiceAccount exists (the controller manager creates it).
  wait_for kube-controller-manager 60 kubectl_ get serviceaccount default --namespace default
  if [ "${ISOL8_K8S_NETWORK_POLICY:-0}" = "1" ]; then
    nft_queue_supported || die "NetworkPolicy enforcement needs the kernel's nftables queue support (nft_queue)," \
      "which this kernel lacks: unset ISOL8_K8S_NETWORK_POLICY. See docs/kubernetes-cluster.md."
    build_network_policy_image
    start_network_policies
  fi
  log "Kubernetes $K8S_VERSION is ready: node $node_name, kubeconfig $kubeconfig."
  echo "export KUBECONFIG=$kubeconfig"
}

# End-to-end proof that the node runs workloads: a pod from an imported image, placed by the scheduler, with the
# ServiceAccount token mounted, answers an exec through the API server and the kubelet.
check_cluster() {
  local image="${1:-isol8:base}" pod="isol8-check-$$" output
  load_images "$image"
  kubectl_ apply -f - >/dev/null <<EOF_POD
apiVersion: v1
kind: Pod
metadata: {name: $pod, namespace: default}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - {name: main, image: $image, imagePullPolicy: Never, command: [sleep, "300"]}
EOF_POD
  if ! kubectl_ wait --for condition=Ready "pod/$pod" --timeout 90s >/dev/null; then
    kubectl_ describe pod "$pod" >&2
    kubectl_ delete pod "$pod" --grace-period 0 --wait=false >/dev/null
    die "check: pod $pod from $image did not become Ready"
  fi
  output="$(kubectl_ exec "$pod" -- sh -c 'cat /var/run/secrets/kubernetes.io/serviceaccount/namespace; echo " exec-ok"')"
  kubectl_ delete pod "$pod" --grace-period 0 --wait=false >/dev/null
  [ "$output" = "default exec-ok" ] || die "check: exec in $pod printed '$output'"
  log "check: a pod from $image ran on $node_name and answered exec."
}

stop_cluster() {
  local name task
  for name in kubelet kube-scheduler kube-controller-manager kube-apiserver; do stop_daemon "$name"; done
  # Pod processes belong to containerd's shims, which outlive containerd: kill them while it still answers. The pods
  # stay in etcd, and the kubelet recreates their sandboxes on the next start.
  if ctr --address "$containerd_sock" version >/dev/null 2>&1; then
    for task in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks kill --signal SIGKILL "$task" >/dev/null 2>&1 || true; done
  fi
  for name in containerd etcd; do stop_daemon "$name"; done
}

case "${1:-}" in
  "") ensure_cluster ;;
  load) shift; load_images "$@" ;;
  check) shift; check_cluster "$@" ;;
  stop) stop_cluster ;;
  *) die "usage: ensure-kubernetes.sh [load IMAGE...|check [IMAGE]|stop]" ;;
esac
