#!/usr/bin/env bash
# Copies Docker images into the Kubernetes node's containerd (started by ensure-kubernetes.sh), so pods can run them
# with `imagePullPolicy: Never`. Idempotent: an image whose Docker id is already there is skipped.
#   k8s-load-images.sh isol8:python isol8:node
set -euo pipefail
exec bash "$(dirname "$0")/ensure-kubernetes.sh" load "$@"
