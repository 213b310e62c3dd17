#!/usr/bin/env bash
# Train the shipped model (models/n3d-small) from nothing, resumably: every step below skips or
# continues what an earlier, killed run of this script left in $RUNS.
#
#   1. stage 1 (3D localization) on synthetic scenes made on the fly;
#   2. stage 2 (grounded reasoning, with 30% stage-1 data) from the stage-1 weights;
#   3. grounding accuracy on 200 held-out synth scenes (seed 12345, never trained on) with
#      `n3d eval grounding` (targets: acc@0.25 >= 0.8, mean projected IoU >= 0.7);
#   4. the inference files (no checkpoint) copied into $OUT.
#
# Environment: STEPS1 (default 40000), STEPS2 (10000), THREADS (2), RUNS (runs), OUT
# (models/n3d-small). Run from anywhere; paths are relative to the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."

STEPS1=${STEPS1:-40000}
STEPS2=${STEPS2:-10000}
THREADS=${THREADS:-2}
RUNS=${RUNS:-runs}
OUT=${OUT:-models/n3d-small}
COMMON=(--config small --set textLength=160 --threads "$THREADS")

npm run build --silent
n3d() { node bin/n3d.js "$@"; }
# --resume when the folder already holds a checkpoint, so a re-run continues instead of refusing.
resume_flag() { if [ -f "$1/checkpoint.safetensors" ]; then echo --resume; fi; }

n3d train --stage 1 --data synth "${COMMON[@]}" --steps "$STEPS1" --out "$RUNS/small-stage1" $(resume_flag "$RUNS/small-stage1")
n3d train --stage 2 --data synth "${COMMON[@]}" --steps "$STEPS2" --init "$RUNS/small-stage1" --out "$RUNS/small-stage2" $(resume_flag "$RUNS/small-stage2")

if [ ! -f "$RUNS/eval-synth/annotations.json" ]; then n3d synth --out "$RUNS/eval-synth" --count 200 --seed 12345; fi
for stage in 1 2; do
  n3d ground --dataset "$RUNS/eval-synth" --model "$RUNS/small-stage$stage" --threads "$THREADS" --out "$RUNS/eval-stage$stage.jsonl"
  n3d eval grounding --pred "$RUNS/eval-stage$stage.jsonl" --truth "$RUNS/eval-synth/annotations.json" --out "$RUNS/eval-stage$stage"
done

mkdir -p "$OUT"
for f in config.json tokenizer.json prefill.onnx step.onnx weights.bin training.jsonl training.svg train.json; do
  cp "$RUNS/small-stage2/$f" "$OUT/$f"
done
echo "shipped model in $OUT (evaluation: $RUNS/eval-stage2.md)"
