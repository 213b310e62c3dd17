#!/usr/bin/env bash
# Score a model folder's 3D grounding on a held-out n3d synth repository, both ways:
#   categories: one grounding prompt per category an image holds ("Locate the chair ...", the
#               paper's grounding protocol); detect: one detect-all prompt per image.
# REFINE=1 grounds with --refine (each box re-measured with the depth).
# Usage: [TASKS="categories detect"] [REFINE=1] scripts/eval-model.sh MODEL_DIR EVAL_REPO OUT_PREFIX [THREADS]
# Writes OUT_PREFIX-{categories,detect}.jsonl (predictions) and .json / .md / .svg (scores), and
# prints the headline numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=$1 REPO=$2 PREFIX=$3 THREADS=${4:-2}
for task in ${TASKS:-categories detect}; do
  node bin/n3d.js ground --dataset "$REPO" --model "$MODEL" --task "$task" --threads "$THREADS" ${REFINE:+--refine} --out "$PREFIX-$task.jsonl"
  node bin/n3d.js eval grounding --pred "$PREFIX-$task.jsonl" --truth "$REPO/annotations.json" --out "$PREFIX-$task" > /dev/null
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const g = r.results?.grounding ?? r.grounding ?? r;
    const f = (k) => (g[k] === undefined ? "-" : Number(g[k]).toFixed(3));
    console.log(`${process.argv[2]}: acc@0.25 ${f("acc@0.25")}  acc@0.5 ${f("acc@0.5")}  projected IoU (matched) ${f("projected_iou_mean")}  (over truth) ${f("projected_iou_mean_over_truth")}  3D IoU ${f("iou3d_mean")}  precision@0.25 ${f("precision@0.25")}  truth ${g.truth ?? "-"} predictions ${g.predictions ?? "-"}`);
  ' "$PREFIX-$task.json" "$task"
done
