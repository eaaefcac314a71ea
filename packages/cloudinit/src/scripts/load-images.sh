#!/bin/bash
# Imports every /capi/images/*.tar into the k8s containerd, so air-gapped nodes find their images locally.
# /capi/images/platform, when present, names the platform to import (for multi-platform archives).
set -o errexit -o nounset -o pipefail

readonly IMAGES_DIR=/capi/images
readonly PLATFORM_FILE=/capi/images/platform
readonly CTR=/snap/k8s/current/bin/ctr
readonly CONTAINERD_SOCKET=/var/snap/k8s/common/run/containerd.sock

fail() {
  echo "load-images.sh: $*" >&2
  exit 1
}

platform_arguments=()
if [[ -f "${PLATFORM_FILE}" ]]; then
  platform_arguments=(--platform "$(cat "${PLATFORM_FILE}")")
fi

shopt -s nullglob
for image in "${IMAGES_DIR}"/*.tar; do
  "${CTR}" --namespace k8s.io --address "${CONTAINERD_SOCKET}" image import "${platform_arguments[@]}" "${image}" ||
    fail "importing ${image} failed with exit code $?"
done
