# shellcheck shell=bash
# Optional NetworkPolicy enforcement with kube-network-policies.
# Sourced by tooling/ensure-kubernetes.sh, which defines the paths, ports and versions used here.

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
