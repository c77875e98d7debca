# shellcheck shell=bash
# Copying Docker images into the node's containerd.
# Sourced by tooling/ensure-kubernetes.sh, which defines the paths, ports and versions used here.

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
