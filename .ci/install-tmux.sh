#!/usr/bin/env bash
# tmux for the picker's terminal smoke test (Debian). Skipped when already present.
set -euo pipefail
if command -v tmux >/dev/null 2>&1; then exit 0; fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends tmux >/dev/null
