#!/usr/bin/env bash
# Builds pinned kube-apiserver, kubectl and etcd from the Go module proxy and installs them where
# io.fabric8:kube-api-test looks for them: $KUBE_API_TEST_DIR/k8s/<version>-linux-amd64/.
# Skips the build when the installed binaries already report the pinned versions.
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-1.34.4}
ETCD_VERSION=${ETCD_VERSION:-3.6.16}
TEST_DIR=${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}
DEST="$TEST_DIR/k8s/${K8S_VERSION}-linux-amd64"
WORK=${KUBE_BINARIES_WORKDIR:-$HOME/.cache/appconnector-kube-build}

installed() {
  [ -x "$DEST/kube-apiserver" ] && [ -x "$DEST/kubectl" ] && [ -x "$DEST/etcd" ] \
    && "$DEST/kube-apiserver" --version 2>/dev/null | grep -q "v${K8S_VERSION}\$" \
    && "$DEST/etcd" --version 2>/dev/null | grep -q "etcd Version: ${ETCD_VERSION}\$"
}

if installed; then
  echo "kube-binaries: kube-apiserver v${K8S_VERSION}, kubectl and etcd ${ETCD_VERSION} already in $DEST"
  exit 0
fi

# The machine image installs Go under /usr/local/go; a CI environment may not have it on PATH.
command -v go >/dev/null || export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || { echo "kube-binaries: FAILED: 'go' is not on PATH (nor in /usr/local/go/bin)" >&2; exit 1; }
start=$(date +%s)
export CGO_ENABLED=0 GOFLAGS=-mod=mod
trap 'echo "kube-binaries: FAILED while building (see output above)" >&2' ERR

# kube-apiserver and kubectl: a wrapper module mapping every staging module to v0.<minor>.<patch>.
MINOR=$(echo "$K8S_VERSION" | cut -d. -f2)
STAGING=v0.${K8S_VERSION#1.}
mkdir -p "$WORK/kube-$K8S_VERSION"
cd "$WORK/kube-$K8S_VERSION"
if [ ! -f go.mod ]; then
  go mod init local.build/kube-apiserver >/dev/null 2>&1
  go mod edit -go=1.24.0
  UPSTREAM_MOD=$(cd "$(mktemp -d)" && go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" \
    | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  for m in $(sed -n 's#^[[:space:]]*\(k8s.io/[^ ]*\) => ./staging/src/.*#\1#p' "$UPSTREAM_MOD"); do
    go mod edit -replace="$m=$m@$STAGING"
  done
  go mod edit -require="k8s.io/kubernetes@v$K8S_VERSION" \
    -tool=k8s.io/kubernetes/cmd/kube-apiserver -tool=k8s.io/kubernetes/cmd/kubectl
  printf '\ngodebug default=go1.24\n' >> go.mod
  go mod tidy
fi
LDF="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  LDF="$LDF -X $p.gitMajor=1 -X $p.gitMinor=$MINOR -X $p.gitVersion=v$K8S_VERSION -X $p.gitTreeState=clean"
done
go build -trimpath -ldflags "$LDF" -o out/kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
go build -trimpath -ldflags "$LDF" -o out/kubectl k8s.io/kubernetes/cmd/kubectl

# etcd: its own wrapper module so its dependencies do not move the apiserver's.
mkdir -p "$WORK/etcd-$ETCD_VERSION"
cd "$WORK/etcd-$ETCD_VERSION"
if [ ! -f go.mod ]; then
  go mod init local.build/etcd >/dev/null 2>&1
  go mod edit -go=1.24.0 -require="go.etcd.io/etcd/server/v3@v$ETCD_VERSION" -tool=go.etcd.io/etcd/server/v3
  go mod tidy
fi
go build -trimpath -ldflags "-s -w" -o out/etcd go.etcd.io/etcd/server/v3

mkdir -p "$DEST"
install -m 0755 "$WORK/kube-$K8S_VERSION/out/kube-apiserver" "$DEST/kube-apiserver"
install -m 0755 "$WORK/kube-$K8S_VERSION/out/kubectl" "$DEST/kubectl"
install -m 0755 "$WORK/etcd-$ETCD_VERSION/out/etcd" "$DEST/etcd"
installed || { echo "kube-binaries: FAILED: installed binaries do not report the pinned versions" >&2; exit 1; }
echo "kube-binaries: built and installed into $DEST in $(( $(date +%s) - start ))s"
