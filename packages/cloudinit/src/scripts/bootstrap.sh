#!/bin/bash
# Bootstraps the first control plane node with the k8s bootstrap configuration in /capi/etc/config.yaml. A node
# that already holds a cluster CA was bootstrapped by an earlier boot, so bootstrapping again is skipped.
set -o errexit -o nounset -o pipefail

readonly CLUSTER_CA=/etc/kubernetes/pki/ca.crt
readonly NODE_NAME_FILE=/capi/etc/node-name
readonly ADDRESS_FILE=/capi/etc/microcluster-address
readonly CONFIG_FILE=/capi/etc/config.yaml

fail() {
  echo "bootstrap.sh: $*" >&2
  exit 1
}

if [[ -f "${CLUSTER_CA}" ]]; then
  echo "bootstrap.sh: ${CLUSTER_CA} exists, the node is already bootstrapped"
  exit 0
fi
for required in "${NODE_NAME_FILE}" "${ADDRESS_FILE}" "${CONFIG_FILE}"; do
  [[ -f "${required}" ]] || fail "missing ${required}"
done

arguments=(bootstrap)
node_name=$(cat "${NODE_NAME_FILE}")
# An empty name lets k8s use the hostname.
if [[ -n "${node_name}" ]]; then
  arguments+=(--name "${node_name}")
fi
arguments+=(--address "$(cat "${ADDRESS_FILE}")" --file "${CONFIG_FILE}")

k8s "${arguments[@]}" || fail "k8s bootstrap failed with exit code $?"
