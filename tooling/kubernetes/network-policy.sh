# shellcheck shell=bash
# NetworkPolicy enforcement with kube-router's network policy controller (iptables and ipset).
# Sourced by tooling/ensure-kubernetes.sh, which defines the paths, ports and versions used here.

# The bridge CNI enforces no NetworkPolicy. kube-router's firewall does, with iptables chains per pod and ipsets, on
# the host: it runs here as a host daemon like the kubelet, because it shells out to the host's iptables and ipset
# (a single-binary image, like the pause image, would have neither). Upstream github.com/cloudnativelabs/kube-router
# is served by our Go proxy only at v2.1.0, which has known security flaws; k3s's maintained fork is used instead.
# Its go.mod still names the upstream module, so it cannot be `go install`ed: it is built as its own main module.
KUBE_ROUTER_MODULE=github.com/k3s-io/kube-router/v2
KUBE_ROUTER_VERSION=v2.6.2
# The module's go.sum hash (h1:), checked against the very tree that is built.
KUBE_ROUTER_SUM="h1:5U6T8s8QRbbuvMgfwrTOMkjqG7IeL077Ot2ZMyd/Hoc="
kube_router_bin="$cache_root/kube-router/$KUBE_ROUTER_VERSION/kube-router"
kube_router_kubeconfig="$state_dir/kube-router.kubeconfig"

# Go's h1 hash of the module tree in $1 (files named "$2/<path>"): what go.sum records, computed without Go.
module_tree_hash() {
  local dir="$1" prefix="$2" file
  (
    cd "$dir" || exit 1
    find . -type f | sed 's|^\./||' | LC_ALL=C sort | while IFS= read -r file; do
      printf '%s  %s\n' "$(sha256sum <"$file" | cut -d' ' -f1)" "$prefix/$file"
    done
  ) | openssl dgst -sha256 -binary | base64
}

build_kube_router() {
  [ -x "$kube_router_bin" ] && return 0
  local started=$SECONDS info dir work sum
  log "Building kube-router $KUBE_ROUTER_VERSION ($KUBE_ROUTER_MODULE)..."
  info="$(cd / && go mod download -json "$KUBE_ROUTER_MODULE@$KUBE_ROUTER_VERSION")"
  dir="$(sed -n 's/^\t"Dir": "\(.*\)",$/\1/p' <<<"$info")"
  [ -d "$dir" ] || die "go mod download gave no source directory for $KUBE_ROUTER_MODULE@$KUBE_ROUTER_VERSION: $info"
  work="$(mktemp -d)"
  cp -r "$dir/." "$work"
  chmod -R u+w "$work"
  sum="h1:$(module_tree_hash "$work" "$KUBE_ROUTER_MODULE@$KUBE_ROUTER_VERSION")"
  if [ "$sum" != "$KUBE_ROUTER_SUM" ]; then
    rm -rf "$work"
    die "$KUBE_ROUTER_MODULE@$KUBE_ROUTER_VERSION hashes to $sum, not the pinned $KUBE_ROUTER_SUM: refusing to build it."
  fi
  mkdir -p "$(dirname "$kube_router_bin")"
  (
    cd "$work" || exit 1
    CGO_ENABLED=0 go build -trimpath -o "$kube_router_bin.tmp" -ldflags "-s -w \
      -X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=$KUBE_ROUTER_VERSION-k3s-io" \
      ./cmd/kube-router
  )
  mv "$kube_router_bin.tmp" "$kube_router_bin"
  rm -rf "$work"
  log "Built kube-router in $((SECONDS - started)) s."
}

# Exit status 0 when this kernel and host can run kube-router's firewall: ipset (hash:ip, hash:net), iptables'
# `set` and `physdev` matches, and bridged traffic passing through iptables (br_netfilter). Says what is missing.
network_policy_supported() {
  local set="isol8-probe-$$" chain="ISOL8-PROBE-$$" missing=""
  command -v ipset >/dev/null || apt_install ipset
  if ipset create "$set" hash:ip 2>/dev/null; then
    ipset create "$set-net" hash:net 2>/dev/null || missing+=" ipset-hash:net"
    if iptables -w -N "$chain" 2>/dev/null; then
      iptables -w -A "$chain" -m set --match-set "$set" src -j RETURN 2>/dev/null || missing+=" xt_set"
      iptables -w -A "$chain" -m physdev --physdev-is-bridged -j RETURN 2>/dev/null || missing+=" xt_physdev"
      iptables -w -F "$chain"
      iptables -w -X "$chain"
    else
      missing+=" iptables"
    fi
    ipset destroy "$set-net" 2>/dev/null || true
    ipset destroy "$set"
  else
    missing+=" ip_set"
  fi
  [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] || modprobe br_netfilter 2>/dev/null || true
  [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] || missing+=" br_netfilter"
  [ -z "$missing" ] && return 0
  log "This kernel cannot run kube-router's NetworkPolicy firewall: missing${missing}."
  return 1
}

# kube-router reads pods, namespaces, nodes and policies (its informers also list Services and EndpointSlices).
# Its own certificate and a read-only ClusterRole, rather than the admin's.
ensure_kube_router_access() {
  issue_cert kube-router isol8:kube-router isol8:network-policy
  write_kubeconfig kube-router "$kube_router_kubeconfig"
  kubectl_ get clusterrolebinding isol8:kube-router >/dev/null 2>&1 && return 0
  kubectl_ apply -f - >/dev/null <<EOF_RBAC
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: isol8:kube-router}
rules:
- apiGroups: [""]
  resources: [pods, namespaces, nodes, services, endpoints]
  verbs: [get, list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [get, list, watch]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: isol8:kube-router}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: isol8:kube-router}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: isol8:kube-router}
EOF_RBAC
}

# This script used to build kube-network-policies (it needs nftables `queue`, which our CI kernels lack). Where that
# was built, remove it once, so that two enforcers never run side by side.
remove_kube_network_policies() {
  [ -f "$cache_dir/kube-network-policies.tar" ] || return 0
  log "Removing kube-network-policies (replaced by kube-router)..."
  kubectl_ delete --ignore-not-found --namespace kube-system daemonset/kube-network-policies \
    serviceaccount/kube-network-policies >/dev/null
  kubectl_ delete --ignore-not-found clusterrole/isol8:kube-network-policies \
    clusterrolebinding/isol8:kube-network-policies >/dev/null
  ctr_ images rm isol8.local/kube-network-policies:v0.8.0 >/dev/null 2>&1 || true
  rm -f "$cache_dir/kube-network-policies.tar" "$bin_dir/kube-network-policies"
}

# True once kube-router's chains are hooked into the filter table's FORWARD, INPUT and OUTPUT chains and it has
# finished a full sync (every pod's chain written) since it last started: until then a pod may be unprotected.
kube_router_synced() {
  local chain rules
  rules="$(iptables -w -S)"
  for chain in FORWARD INPUT OUTPUT; do
    grep -q -- "^-A $chain .*-j KUBE-ROUTER-$chain\$" <<<"$rules" || return 1
  done
  awk '/version\.go.*Running/ { synced = 0 } /sync iptables took/ { synced = 1 } END { exit !synced }' \
    "$log_dir/kube-router.log"
}

start_kube_router() {
  remove_kube_network_policies
  ensure_kube_router_access
  # Docker loads br_netfilter and sets this too; without it, pod-to-pod traffic on the bridge bypasses iptables.
  sysctl -qw net.bridge.bridge-nf-call-iptables=1
  # Only the firewall: no BGP routing, no service proxy, no CNI config. Health and metrics servers are off (the health
  # server would listen on every address). kube-router lets every pod reach the node's NodePort range on the node's
  # own addresses, for kube-proxy's NodePorts; nothing serves NodePorts here, so that range is narrowed to two ports.
  # Log level 1 logs each sync ("sync iptables took …"), which is how the script knows the first one is done.
  start_daemon kube-router "$kube_router_bin" \
    --kubeconfig "$kube_router_kubeconfig" --hostname-override "$node_name" \
    --run-firewall=true --run-router=false --run-service-proxy=false --run-loadbalancer=false \
    --enable-cni=false --health-port 0 --metrics-port 0 --v 1 \
    --service-cluster-ip-range "$service_cidr" --service-node-port-range 30000-30001
  wait_for kube-router 60 kube_router_synced
}
