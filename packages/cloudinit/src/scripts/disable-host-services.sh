#!/bin/bash
# Stops and disables a kubelet or containerd shipped with the image: the k8s snap runs its own, and two of either
# would fight over the same ports and sockets. A service that does not exist is not an error.
set -o nounset -o pipefail

for service in kubelet containerd; do
  systemctl stop "${service}" || echo "disable-host-services.sh: could not stop ${service} (probably not installed)" >&2
  systemctl disable "${service}" || echo "disable-host-services.sh: could not disable ${service} (probably not installed)" >&2
done
exit 0
