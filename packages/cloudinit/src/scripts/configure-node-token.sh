#!/bin/bash
# Gives k8sd this node's token, which the providers present for per-node calls (upgrades, certificates).
set -o errexit -o nounset -o pipefail

readonly NODE_TOKEN_FILE=/capi/etc/node-token

fail() {
  echo "configure-node-token.sh: $*" >&2
  exit 1
}

[[ -f "${NODE_TOKEN_FILE}" ]] || fail "missing ${NODE_TOKEN_FILE}"
node_token=$(cat "${NODE_TOKEN_FILE}")
k8s x-capi set-node-token "${node_token}" || fail "k8s x-capi set-node-token failed with exit code $?"
