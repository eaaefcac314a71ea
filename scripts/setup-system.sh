#!/usr/bin/env bash
# Installs the Debian tools the tests use for real: cloud-init (its schema validator), shellcheck, bubblewrap (the
# node script sandbox) and openssl (certificate checks). Idempotent; only calls apt-get when something is missing.
set -euo pipefail
declare -A package_of=([cloud-init]=cloud-init [shellcheck]=shellcheck [bwrap]=bubblewrap [openssl]=openssl)
missing=()
for command in "${!package_of[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${package_of[$command]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "[setup-system] installing Debian packages: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "[setup-system] not root: run 'sudo apt-get install -y ${missing[*]}' and try again" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
