#!/bin/bash
# Applies every /capi/manifests/*.yaml in name order (00-k8sd-proxy.yaml first, so the providers can reach k8sd).
set -o errexit -o nounset -o pipefail

readonly MANIFESTS_DIR=/capi/manifests

fail() {
  echo "deploy-manifests.sh: $*" >&2
  exit 1
}

shopt -s nullglob
for manifest in "${MANIFESTS_DIR}"/*.yaml; do
  k8s kubectl apply -f "${manifest}" || fail "applying ${manifest} failed with exit code $?"
done
