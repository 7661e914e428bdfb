#!/usr/bin/env bash
# Builds the chart's test tools from the Go module proxy:
# - a pinned `helm` (v3) for HelmInstallIT, which installs, upgrades and uninstalls the chart with it
#   against the real kube-apiserver, into $KUBE_API_TEST_DIR/helm/<version>-linux-amd64/helm;
# - .ci/rules-check (Prometheus's rule-file parser, as `promtool check rules`) for the chart's
#   PrometheusRule, into $KUBE_API_TEST_DIR/helm/rules-check.
# Skips each build when the installed binary is already the pinned version or built from the same source.
set -euo pipefail

HELM_VERSION=${HELM_VERSION:-3.19.5}
TEST_DIR=${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}
DEST="$TEST_DIR/helm/${HELM_VERSION}-linux-amd64"
WORK=${KUBE_BINARIES_WORKDIR:-$HOME/.cache/appconnector-kube-build}

installed() {
  [ -x "$DEST/helm" ] && "$DEST/helm" version --short 2>/dev/null | grep -Eqx "v${HELM_VERSION}(\+.*)?"
}

RULES_SRC=$(cd "$(dirname "$0")/rules-check" && pwd)
RULES_DEST="$TEST_DIR/helm"
RULES_STAMP=$(cat "$RULES_SRC/main.go" "$RULES_SRC/go.mod" "$RULES_SRC/go.sum" | sha256sum | cut -c1-16)
rules_built() {
  [ -x "$RULES_DEST/rules-check" ] && [ "$(cat "$RULES_DEST/rules-check.stamp" 2>/dev/null)" = "$RULES_STAMP" ]
}

if installed && rules_built; then
  echo "helm-binary: helm v${HELM_VERSION} and rules-check already in $TEST_DIR/helm"
  exit 0
fi

command -v go >/dev/null || export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || { echo "helm-binary: FAILED: 'go' is not on PATH (nor in /usr/local/go/bin)" >&2; exit 1; }
start=$(date +%s)
export CGO_ENABLED=0 GOFLAGS=-mod=mod
trap 'echo "helm-binary: FAILED while building (see output above)" >&2' ERR

if ! rules_built; then
  mkdir -p "$RULES_DEST"
  (cd "$RULES_SRC" && GOFLAGS=-mod=readonly go build -trimpath -ldflags "-s -w" -o "$RULES_DEST/rules-check" .)
  echo "$RULES_STAMP" > "$RULES_DEST/rules-check.stamp"
  echo "helm-binary: built rules-check into $RULES_DEST in $(( $(date +%s) - start ))s"
fi
if installed; then
  exit 0
fi

# A wrapper module, as for kube-apiserver: the build uses exactly the versions helm's go.mod pins.
mkdir -p "$WORK/helm-$HELM_VERSION"
cd "$WORK/helm-$HELM_VERSION"
if [ ! -f go.mod ]; then
  go mod init local.build/helm >/dev/null 2>&1
  go mod edit -require="helm.sh/helm/v3@v$HELM_VERSION" -tool=helm.sh/helm/v3/cmd/helm
  go mod tidy
fi
go build -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
  -o out/helm helm.sh/helm/v3/cmd/helm

mkdir -p "$DEST"
install -m 0755 out/helm "$DEST/helm"
installed || { echo "helm-binary: FAILED: the installed helm does not report v${HELM_VERSION}" >&2; exit 1; }
echo "helm-binary: built and installed into $DEST in $(( $(date +%s) - start ))s"
