#!/bin/bash
# Tells Cluster API that bootstrapping succeeded: infrastructure providers look for this sentinel file.
set -o errexit -o nounset -o pipefail

readonly SENTINEL=/run/cluster-api/bootstrap-success.complete

mkdir -p "$(dirname "${SENTINEL}")"
touch "${SENTINEL}"
