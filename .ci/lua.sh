#!/usr/bin/env bash
# Installs Lua 5.1 (the dialect of Argo CD's gopher-lua) from Debian's packages for the tests that
# run the Argo CD health check and actions in docs/. Skips when lua5.1 is already there.
set -euo pipefail
if command -v lua5.1 >/dev/null; then
  echo "lua: $(lua5.1 -v 2>&1) already installed"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "lua: lua5.1 is missing and cannot be installed here (needs root and apt-get); the Lua 5.1 tests will be skipped" >&2
  exit 0
fi
start=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq lua5.1 >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq lua5.1 >/dev/null; }
echo "lua: installed $(lua5.1 -v 2>&1) in $(( $(date +%s) - start )) s"
