#!/usr/bin/env bash
# Makes the OS base image available; the logic lives with the product (docker/ensure-os-image.sh), which
# `isol8 setup` runs too when the image is missing.
set -euo pipefail
exec bash "$(cd "$(dirname "$0")/.." && pwd)/docker/ensure-os-image.sh" "$@"
