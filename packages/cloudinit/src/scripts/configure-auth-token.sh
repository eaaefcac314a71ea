#!/bin/bash
# Gives k8sd the cluster's CAPI auth token, which the providers present when they call k8sd.
set -o errexit -o nounset -o pipefail

readonly TOKEN_FILE=/capi/etc/token

fail() {
  echo "configure-auth-token.sh: $*" >&2
  exit 1
}

[[ -f "${TOKEN_FILE}" ]] || fail "missing ${TOKEN_FILE}"
token=$(cat "${TOKEN_FILE}")
k8s x-capi set-auth-token "${token}" || fail "k8s x-capi set-auth-token failed with exit code $?"
