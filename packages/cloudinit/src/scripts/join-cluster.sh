#!/bin/bash
# Joins this node (control plane or worker) to the cluster with the join token issued by k8sd for it.
set -o errexit -o nounset -o pipefail

readonly JOIN_TOKEN_FILE=/capi/etc/join-token
readonly NODE_NAME_FILE=/capi/etc/node-name
readonly ADDRESS_FILE=/capi/etc/microcluster-address
readonly CONFIG_FILE=/capi/etc/config.yaml

fail() {
  echo "join-cluster.sh: $*" >&2
  exit 1
}

for required in "${JOIN_TOKEN_FILE}" "${NODE_NAME_FILE}" "${ADDRESS_FILE}" "${CONFIG_FILE}"; do
  [[ -f "${required}" ]] || fail "missing ${required}"
done

arguments=(join-cluster "$(cat "${JOIN_TOKEN_FILE}")")
node_name=$(cat "${NODE_NAME_FILE}")
# An empty name lets k8s use the hostname.
if [[ -n "${node_name}" ]]; then
  arguments+=(--name "${node_name}")
fi
arguments+=(--address "$(cat "${ADDRESS_FILE}")" --file "${CONFIG_FILE}")

k8s "${arguments[@]}" || fail "k8s join-cluster failed with exit code $?"
