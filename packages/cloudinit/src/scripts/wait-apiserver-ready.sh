#!/bin/bash
# Waits until the local Kubernetes API server answers /readyz, so later steps can talk to it.
set -o nounset -o pipefail

readonly ATTEMPTS=1200
readonly DELAY_SECONDS=1

for ((attempt = 1; attempt <= ATTEMPTS; attempt++)); do
  if k8s kubectl get --raw /readyz >/dev/null 2>&1; then
    exit 0
  fi
  sleep "${DELAY_SECONDS}"
done
echo "wait-apiserver-ready.sh: the API server was not ready after ${ATTEMPTS} checks ${DELAY_SECONDS}s apart" >&2
exit 1
