#!/bin/bash
# Installs the k8s snap from exactly one source, named by the file that exists:
#   /capi/etc/snap-channel     snap install k8s --classic --channel <channel>
#   /capi/etc/snap-revision    snap install k8s --classic --revision <revision>
#   /capi/etc/snap-local-path  a .snap file, or a folder whose *.assert are acknowledged and whose *.snap are
#                              installed together (so k8s and its base snap install offline)
# The store may be briefly unreachable at first boot, so each attempt is retried.
set -o errexit -o nounset -o pipefail

readonly CHANNEL_FILE=/capi/etc/snap-channel
readonly REVISION_FILE=/capi/etc/snap-revision
readonly LOCAL_PATH_FILE=/capi/etc/snap-local-path
readonly ATTEMPTS=5
readonly RETRY_DELAY_SECONDS=3

fail() {
  echo "install.sh: $*" >&2
  exit 1
}

install_from_local_path() {
  local local_path=$1
  if [[ -d "${local_path}" ]]; then
    shopt -s nullglob
    local assertion
    for assertion in "${local_path}"/*.assert; do
      snap ack "${assertion}" || return 1
    done
    local snaps=("${local_path}"/*.snap)
    shopt -u nullglob
    [[ -n "${snaps[*]}" ]] || fail "no .snap files in folder ${local_path} (from ${LOCAL_PATH_FILE})"
    snap install --classic "${snaps[@]}"
  elif [[ -f "${local_path}" ]]; then
    snap install --classic "${local_path}"
  else
    fail "${local_path} (from ${LOCAL_PATH_FILE}) is neither a file nor a folder"
  fi
}

install_once() {
  if [[ -f "${CHANNEL_FILE}" ]]; then
    snap install k8s --classic --channel "${source_value}"
  elif [[ -f "${REVISION_FILE}" ]]; then
    snap install k8s --classic --revision "${source_value}"
  else
    install_from_local_path "${source_value}"
  fi
}

sources=0
for candidate in "${CHANNEL_FILE}" "${REVISION_FILE}" "${LOCAL_PATH_FILE}"; do
  if [[ -f "${candidate}" ]]; then
    sources=$((sources + 1))
    source_file=${candidate}
  fi
done
[[ "${sources}" -eq 1 ]] ||
  fail "expected exactly one of ${CHANNEL_FILE}, ${REVISION_FILE}, ${LOCAL_PATH_FILE}; found ${sources}"
source_value=$(cat "${source_file}")

for ((attempt = 1; attempt <= ATTEMPTS; attempt++)); do
  # A failed attempt is retried, so install_once must not end the script (errexit is off inside it on purpose).
  # shellcheck disable=SC2310
  if install_once; then
    exit 0
  fi
  echo "install.sh: installing the k8s snap failed (attempt ${attempt} of ${ATTEMPTS})" >&2
  if ((attempt < ATTEMPTS)); then
    sleep "${RETRY_DELAY_SECONDS}"
  fi
done
fail "could not install the k8s snap after ${ATTEMPTS} attempts"
