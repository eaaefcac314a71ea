#!/bin/bash
# Publishes the proxy settings in /etc/environment, in lower and upper case because programs disagree on which
# they read. Only the settings whose file exists are written.
set -o errexit -o nounset -o pipefail

readonly ENVIRONMENT_FILE=/etc/environment

publish() {
  local source_file=$1 variable=$2
  if [[ -f "${source_file}" ]]; then
    local value
    value=$(cat "${source_file}")
    printf '%s=%s\n' "${variable,,}" "${value}" "${variable^^}" "${value}" >>"${ENVIRONMENT_FILE}"
  fi
}

publish /capi/etc/http-proxy http_proxy
publish /capi/etc/https-proxy https_proxy
publish /capi/etc/no-proxy no_proxy
