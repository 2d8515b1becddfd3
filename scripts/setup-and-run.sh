#!/usr/bin/env bash
# Fresh machine (Debian 12, Node 20) to a running example, in one command:
#   bash scripts/setup-and-run.sh
# Installs what is missing (same steps as .ci/run), builds every package, then runs the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=./setup.sh
source scripts/setup.sh
ufb_setup

ufb_log "pnpm build"
pnpm build

# Smoke example: the CLI lists its commands. (The CLI issue turns this into a real fill-mask run.)
ufb_log "pnpm ultrafastbert help"
pnpm --silent ultrafastbert help

# The README's example: one 1x11-shaped FFF layer on the reference backend.
ufb_log "pnpm example"
pnpm --silent example
