#!/usr/bin/env bash
# Fresh machine (Debian 12, Node 20) to a running UltraFastBERT-1x11, in one command:
#   bash scripts/setup-and-run.sh [DIR]
# Installs what is missing (same steps as .ci/run), builds every package, runs the quickstart
# example, then the main job: writes a full-size UltraFastBERT-1x11-long checkpoint (random weights,
# 755 MB, in DIR, default .cache/ultrafastbert-1x11-long) and runs fill-mask on it with the native
# CPU backend. No released checkpoint can be downloaded here; give the CLI --model DIR for a real one.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=./setup.sh
source scripts/setup.sh
ufb_setup

ufb_log "pnpm build"
pnpm build

# The README's example: one 1x11-shaped FFF layer on the reference backend.
ufb_log "pnpm example"
pnpm --silent example

model_dir="${1:-.cache/ultrafastbert-1x11-long}"
if [ ! -f "$model_dir/model.safetensors" ]; then
  ufb_log "pnpm ultrafastbert init --config ultrafastbert-1x11-long --out $model_dir"
  pnpm --silent ultrafastbert init --config ultrafastbert-1x11-long --out "$model_dir"
fi
ufb_log "pnpm ultrafastbert fill-mask --model $model_dir --backend cpu (random weights: the predictions mean nothing; the full 16-layer model runs end to end)"
pnpm --silent ultrafastbert fill-mask --model "$model_dir" --backend cpu --top-k 3 "the cat sat on the <mask> ."
