# shellcheck shell=bash
# The cluster CA, certificates and kubeconfigs.
# Sourced by tooling/ensure-kubernetes.sh, which defines the paths, ports and versions used here.

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
