# shellcheck shell=bash
# Etcd, kube-apiserver, kube-controller-manager and kube-scheduler.
# Sourced by tooling/ensure-kubernetes.sh, which defines the paths, ports and versions used here.

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
