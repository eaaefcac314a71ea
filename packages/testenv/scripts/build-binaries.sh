#!/usr/bin/env bash
# Builds the real Kubernetes, etcd, Cluster API and Helm binaries the tests run, from Go modules, into a cache
# outside the repository keyed by version. A binary whose cached copy already reports the pinned version is skipped,
# so only the first run on a machine pays for compilation.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
versions="$here/versions.json"
version_of() { node -p "require(process.argv[1])[process.argv[2]]" "$versions" "$1"; }

K8S_VERSION=$(version_of kubernetes)
ETCD_VERSION=$(version_of etcd)
CAPI_VERSION=$(version_of clusterApi)
HELM_VERSION=$(version_of helm)

cache_root=${CAPI_CK8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/capi-ck8s}
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

log() { printf '[build-binaries] %s\n' "$*" >&2; }

# usage: build NAME VERSION BINARY EXPECTED_VERSION_TEXT VERSION_ARGS -- build command...
# A binary counts as built when it runs and prints EXPECTED_VERSION_TEXT for VERSION_ARGS; one with no version
# command (the CAPI core manager) passes an empty EXPECTED_VERSION_TEXT and is checked by a stamp written after a
# successful build instead.
build() {
  local name=$1 version=$2 binary=$3 expect=$4 version_args=$5
  shift 5; [ "$1" = "--" ] && shift
  local out="$cache_root/bin/$name-$version"
  local stamp="$out/.$binary.built"
  if [ -x "$out/$binary" ] && reports_version "$out/$binary" "$expect" "$version_args" "$stamp" "$version"; then
    return 0
  fi
  mkdir -p "$out"
  log "building $binary $version (first run on this machine; this takes minutes)"
  local started=$SECONDS
  OUT="$out" "$@"
  if [ -n "$expect" ] && ! reports_version "$out/$binary" "$expect" "$version_args"; then
    log "built $binary does not report '$expect' for '$version_args'"; exit 1
  fi
  printf '%s\n' "$version" > "$stamp"
  log "built $binary $version in $((SECONDS - started))s -> $out/$binary"
}

# usage: reports_version BINARY EXPECTED_TEXT VERSION_ARGS [STAMP VERSION]
reports_version() {
  local binary=$1 expect=$2 output
  local -a version_args
  read -ra version_args <<<"$3"
  if [ -z "$expect" ]; then
    [ "$(cat "${4:-}" 2>/dev/null)" = "${5:-}" ]
    return
  fi
  output=$("$binary" "${version_args[@]}" 2>&1) || return 1
  grep -qF -- "$expect" <<<"$output"
}

k8s_ldflags() {
  local minor date flags="-s -w"
  minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
    flags+=" -X $p.gitTreeState=clean -X $p.buildDate=$date -X $p.gitCommit=module-$K8S_VERSION"
  done
  printf '%s' "$flags"
}

build_k8s_cmd() {
  local cmd=$1
  (cd "$here/go/kubernetes" && go build -trimpath -tags selinux,notest,grpcnotrace -ldflags "$(k8s_ldflags)" \
    -o "$OUT/$cmd" "k8s.io/kubernetes/cmd/$cmd")
}

build_etcd() {
  (cd "$here/go/etcd" && go build -trimpath -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION" \
    -o "$OUT/etcd" go.etcd.io/etcd/server/v3)
}

capi_ldflags() {
  local minor; minor=$(echo "$CAPI_VERSION" | cut -d. -f2)
  printf -- '-s -w -X sigs.k8s.io/cluster-api/version.gitVersion=%s -X sigs.k8s.io/cluster-api/version.gitMajor=1 -X sigs.k8s.io/cluster-api/version.gitMinor=%s -X sigs.k8s.io/cluster-api/version.gitTreeState=clean' "$CAPI_VERSION" "$minor"
}

build_capi_cmd() {
  local pkg=$1 binary=$2
  (cd "$here/go/capi" && go build -trimpath -ldflags "$(capi_ldflags)" -o "$OUT/$binary" "$pkg")
}

build_helm() {
  (cd "$here/go/helm" && go build -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
    -o "$OUT/helm" helm.sh/helm/v3/cmd/helm)
}

want=${*:-etcd kube-apiserver kube-controller-manager kubectl cluster-api clusterctl helm}
for item in $want; do
  case "$item" in
    etcd) build etcd "$ETCD_VERSION" etcd "${ETCD_VERSION#v}" --version -- build_etcd ;;
    kube-apiserver|kube-controller-manager|kubectl)
      args=--version; [ "$item" = kubectl ] && args="version --client"
      build kubernetes "$K8S_VERSION" "$item" "$K8S_VERSION" "$args" -- build_k8s_cmd "$item" ;;
    cluster-api) build cluster-api "$CAPI_VERSION" cluster-api "" "" -- build_capi_cmd sigs.k8s.io/cluster-api cluster-api ;;
    clusterctl) build cluster-api "$CAPI_VERSION" clusterctl "$CAPI_VERSION" version -- build_capi_cmd sigs.k8s.io/cluster-api/cmd/clusterctl clusterctl ;;
    helm) build helm "$HELM_VERSION" helm "$HELM_VERSION" version -- build_helm ;;
    *) log "unknown binary '$item'"; exit 2 ;;
  esac
done
printf '%s\n' "$cache_root/bin"
