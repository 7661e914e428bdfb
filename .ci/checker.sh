#!/usr/bin/env bash
# Builds .ci/checker (Flux's kstatus and promtool's metrics linter, from the Go module proxy) into
# $CHECKER_DIR for the tests that judge the operator's status conditions and /metrics with them.
# Skips the build when the installed binary was built from the same source.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/checker" && pwd)
DEST=${CHECKER_DIR:-${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/tools}
STAMP=$(cat "$SRC/main.go" "$SRC/go.mod" "$SRC/go.sum" | sha256sum | cut -c1-16)
if [ -x "$DEST/checker" ] && [ "$(cat "$DEST/checker.stamp" 2>/dev/null)" = "$STAMP" ]; then
  echo "checker: already built in $DEST"
  exit 0
fi
command -v go >/dev/null || export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || { echo "checker: FAILED: 'go' is not on PATH (nor in /usr/local/go/bin)" >&2; exit 1; }
start=$(date +%s)
mkdir -p "$DEST"
cd "$SRC"
CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$DEST/checker" .
echo "$STAMP" > "$DEST/checker.stamp"
echo "checker: built $DEST/checker in $(( $(date +%s) - start )) s"
