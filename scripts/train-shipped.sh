#!/usr/bin/env bash
# Train the shipped model (models/n3d-small) from nothing, resumably: every step below skips or
# continues what an earlier, killed run of this script left in $RUNS.
#
#   1. stage 1 (3D localization: 80% "locate the <category>" prompts, 20% detect-all) on synthetic
#      scenes made on the fly, each scene serving ~4 samples, with the dense patch supervision
#      (every patch names its object's category and box);
#   2. stage 2 (grounded reasoning, with 30% stage-1 data) from the stage-1 weights;
#   3. grounding accuracy on 200 held-out synth scenes (seed 12345, never trained on), both as
#      category grounding (the paper's protocol) and as detect-all, scored by `n3d eval grounding`
#      (targets: acc@0.25 >= 0.8, mean projected IoU >= 0.7);
#   4. evaluation.json (the headline scores; `n3d ground` warns when the targets are missed) and
#      the inference files (no checkpoint) copied into $OUT.
#
# Time on the 2-core development machine, otherwise idle: stage 1 ~0.30 s a step (18,000 steps:
# ~1.5 h), stage 2 ~0.3 s a step (2,000 steps: ~10 min), evaluation ~4 min.
# Environment: STEPS1 (default 18000), STEPS2 (2000), THREADS (2), RUNS (runs), OUT
# (models/n3d-small). Run from anywhere; paths are relative to the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."

STEPS1=${STEPS1:-18000}
STEPS2=${STEPS2:-2000}
THREADS=${THREADS:-2}
RUNS=${RUNS:-runs}
OUT=${OUT:-models/n3d-small}
COMMON=(--config small --set textLength=96 --set sceneReuse=4 --set patchLabelWeight=1 --threads "$THREADS")

npm run build --silent
n3d() { node bin/n3d.js "$@"; }
# --resume when the folder already holds a checkpoint, so a re-run continues instead of refusing.
resume_flag() { if [ -f "$1/checkpoint.safetensors" ]; then echo --resume; fi; }

n3d train --stage 1 --data synth "${COMMON[@]}" --set groundShare=0.8 --steps "$STEPS1" --out "$RUNS/small-stage1" $(resume_flag "$RUNS/small-stage1")
n3d train --stage 2 --data synth "${COMMON[@]}" --steps "$STEPS2" --init "$RUNS/small-stage1" --out "$RUNS/small-stage2" $(resume_flag "$RUNS/small-stage2")

if [ ! -f "$RUNS/eval-synth/annotations.json" ]; then n3d synth --out "$RUNS/eval-synth" --count 200 --seed 12345; fi
for stage in 1 2; do
  scripts/eval-model.sh "$RUNS/small-stage$stage" "$RUNS/eval-synth" "$RUNS/eval-stage$stage" "$THREADS"
done

npx tsx scripts/write-evaluation.ts "$RUNS/small-stage2" "$RUNS/eval-stage2-categories.json" "$RUNS/eval-stage2-detect.json" "200 held-out n3d synth scenes (seed 12345)"

mkdir -p "$OUT"
for f in config.json tokenizer.json prefill.onnx step.onnx weights.bin training.jsonl training.svg train.json evaluation.json; do
  cp "$RUNS/small-stage2/$f" "$OUT/$f"
done
echo "shipped model in $OUT (evaluation: $RUNS/eval-stage2-categories.md, $RUNS/eval-stage2-detect.md)"
