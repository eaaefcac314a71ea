#!/bin/bash
# Points snapd at a snap store proxy: acknowledges the proxy's store assertions and selects its store id.
set -o errexit -o nounset -o pipefail

readonly SCHEME_FILE=/capi/etc/snapstore-proxy-scheme
readonly DOMAIN_FILE=/capi/etc/snapstore-proxy-domain
readonly STORE_ID_FILE=/capi/etc/snapstore-proxy-id
readonly ATTEMPTS=5
readonly RETRY_DELAY_SECONDS=3

fail() {
  echo "configure-snapstore-proxy.sh: $*" >&2
  exit 1
}

retry() {
  local attempt
  for ((attempt = 1; attempt <= ATTEMPTS; attempt++)); do
    if "$@"; then
      return 0
    fi
    echo "configure-snapstore-proxy.sh: '$*' failed (attempt ${attempt} of ${ATTEMPTS})" >&2
    if ((attempt < ATTEMPTS)); then
      sleep "${RETRY_DELAY_SECONDS}"
    fi
  done
  return 1
}

acknowledge_store_assertions() {
  curl --silent --show-error --fail --location "$1" | snap ack /dev/stdin
}

for required in "${SCHEME_FILE}" "${DOMAIN_FILE}" "${STORE_ID_FILE}"; do
  [[ -f "${required}" ]] || fail "missing ${required}"
done
scheme=$(cat "${SCHEME_FILE}")
domain=$(cat "${DOMAIN_FILE}")
store_id=$(cat "${STORE_ID_FILE}")
assertions_url="${scheme}://${domain}/v2/auth/store/assertions"

# retry reports each failure itself; errexit inside it is irrelevant because it only runs one command per attempt.
# shellcheck disable=SC2310
if ! snap list curl >/dev/null 2>&1; then
  retry snap install curl || fail "could not install the curl snap"
fi
# shellcheck disable=SC2310
retry acknowledge_store_assertions "${assertions_url}" ||
  fail "could not acknowledge the store assertions from ${assertions_url}"
snap set core proxy.store="${store_id}" || fail "could not set the snap store proxy id"
systemctl restart snapd || fail "could not restart snapd"
