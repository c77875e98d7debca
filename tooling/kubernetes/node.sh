# shellcheck shell=bash
# The node: containerd with CRI and bridge CNI, and the kubelet.
# Sourced by tooling/ensure-kubernetes.sh, which defines the paths, ports and versions used here.

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
  # One hosts.toml per registry (write_registry_hosts), read at each pull: changing one needs no restart.
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$state_dir/containerd/certs.d"
EOF_TOML
  mv "$state_dir/containerd/config.toml.tmp" "$state_dir/containerd/config.toml"
}

# The loopback registry of tooling/ensure-registry.sh speaks plain HTTP; containerd must be told so for that host.
# Pulls are made by this containerd on the host, so 127.0.0.1 is the host's loopback even for a pod's image.
write_registry_hosts() {
  local dir="$state_dir/containerd/certs.d/$registry_address"
  mkdir -p "$dir"
  cat >"$dir/hosts.toml.tmp" <<EOF_HOSTS
server = "http://$registry_address"

[host."http://$registry_address"]
  capabilities = ["pull", "resolve"]
EOF_HOSTS
  mv "$dir/hosts.toml.tmp" "$dir/hosts.toml"
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
  write_registry_hosts
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
# A backstop against fork bombs in untrusted code: the pod spec has no PID limit, the kubelet's is node-wide.
podPidsLimit: 1024
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
