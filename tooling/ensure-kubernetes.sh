#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Builds and starts a real single-node Kubernetes cluster from what our registries serve (Go module proxy, Debian):
# no container registry and no release download is reachable, so kind/minikube/k3s cannot work here.
# Idempotent: binaries are cached by version, certificates and configs are kept, and a component that already
# answers is left alone, so a second run takes seconds. Also starts the loopback registry (ensure-registry.sh).
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
cache_root="${ISOL8_K8S_CACHE:-/var/cache/isol8/kubernetes}"
cache_dir="$cache_root/$K8S_VERSION"
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
# The loopback registry (tooling/ensure-registry.sh) the node pulls from over plain HTTP.
registry_address="${ISOL8_REGISTRY_ADDRESS:-127.0.0.1:5000}"
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
  command -v ip >/dev/null || missing+=(iproute2)
  command -v curl >/dev/null || missing+=(curl)
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

lib_dir="$repo_root/tooling/kubernetes"
# shellcheck source=kubernetes/build.sh
source "$lib_dir/build.sh"
# shellcheck source=kubernetes/pki.sh
source "$lib_dir/pki.sh"
# shellcheck source=kubernetes/daemons.sh
source "$lib_dir/daemons.sh"
# shellcheck source=kubernetes/control-plane.sh
source "$lib_dir/control-plane.sh"
# shellcheck source=kubernetes/node.sh
source "$lib_dir/node.sh"
# shellcheck source=kubernetes/network-policy.sh
source "$lib_dir/network-policy.sh"
# shellcheck source=kubernetes/images.sh
source "$lib_dir/images.sh"

# --- entry points ---------------------------------------------------------------------------------------------

ensure_cluster() {
  require_root_on_debian
  install_packages
  mkdir -p "$state_dir" "$log_dir" "$run_dir" "$bin_dir"
  build_kubernetes kube-apiserver kubelet kube-controller-manager kube-scheduler kubectl
  build_pause_image
  ensure_pki
  # Started first: the node's containerd is configured to pull from it.
  bash "$repo_root/tooling/ensure-registry.sh" >&2
  start_etcd
  start_apiserver
  start_controllers
  start_containerd
  start_kubelet
  wait_for kubelet 90 node_ready
  # Pods are admitted only once their namespace's ServiceAccount exists (the controller manager creates it).
  wait_for kube-controller-manager 60 kubectl_ get serviceaccount default --namespace default
  # NetworkPolicy is enforced wherever the kernel allows it (ISOL8_K8S_NETWORK_POLICY=0 opts out, =1 insists).
  local policy="${ISOL8_K8S_NETWORK_POLICY:-auto}"
  if [ "$policy" != "0" ] && network_policy_supported; then
    build_kube_router
    start_kube_router
  elif [ "$policy" = "1" ]; then
    die "NetworkPolicy enforcement (kube-router) needs ipset and iptables' set and physdev matches," \
      "which this kernel lacks: unset ISOL8_K8S_NETWORK_POLICY. See docs/kubernetes-cluster.md."
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
  for name in kube-router kubelet kube-scheduler kube-controller-manager kube-apiserver; do stop_daemon "$name"; done
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
  # Exit status 0 when this kernel can enforce NetworkPolicy (kube-router: ipset, iptables set/physdev), else 1.
  network-policy-supported) network_policy_supported ;;
  stop) stop_cluster ;;
  *) die "usage: ensure-kubernetes.sh [load IMAGE...|check [IMAGE]|network-policy-supported|stop]" ;;
esac
