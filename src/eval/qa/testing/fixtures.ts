/**
 * Tiny benchmark files, written by hand in each public format, for the loader and evaluator tests.
 * The truths are hand-picked to exercise every reading: SpatialRGPT's own answer templates
 * ("Indeed, ...", "In fact, ..."), lengths in several units, a clock, an unreadable truth.
 */

/** SpatialRGPT-Bench rows (FORMATS.md section 4); the last one's truth cannot be read. */
export function spatialRgptRows(): Record<string, unknown>[] {
  const row = (id: string, type: string, category: string, q: string, a: string, regions = 2): Record<string, unknown> => ({
    id,
    image_info: { file_path: `images/${id}.jpg`, height: 480, width: 640 },
    text_q: q,
    qa_info: { type, category },
    rle: [],
    bbox: Array.from({ length: regions }, (_, i) => [10 * i, 10, 10 * i + 50, 60]),
    conversations: [
      { from: "human", value: `<image>\n${q}` },
      { from: "gpt", value: a },
    ],
  });
  return [
    row("qualitative_0", "qualitative", "left_predicate", "Is Region [0] to the left of Region [1] from the viewer's perspective?", "Indeed, Region [0] is positioned on the left side of Region [1]."),
    row("qualitative_1", "qualitative", "below_predicate", "Is Region [0] below Region [1]?", "Actually, Region [0] is above Region [1]."),
    row("qualitative_2", "qualitative", "tall_choice", "Who is taller, Region [0] or Region [1]?", "Standing taller between the two is Region [1]."),
    row("qualitative_3", "qualitative", "behind_predicate", "Is Region [0] behind Region [1]?", "That is False."),
    row("quantitative_0", "quantitative", "distance_data", "What is the distance between Region [0] and Region [1]?", "Region [0] and Region [1] are 2.3 meters apart."),
    row("quantitative_1", "quantitative", "width_data", "Measure the width of Region [0].", "The width of Region [0] is 35.8 inches.", 1),
    row("quantitative_2", "quantitative", "height_data", "What is the height of Region [1]?", "It is approximately 77.56 centimeters.", 2),
    row("quantitative_3", "quantitative", "direction", "If you are at Region [0], where will you find Region [1]?", "Region [1] is roughly at 10 o'clock from Region [0]."),
    row("quantitative_4", "quantitative", "horizontal_distance_data", "How far apart are Region [0] and Region [1] horizontally?", "3.5 feet"),
    row("quantitative_5", "quantitative", "vertical_distance_data", "How far apart are Region [0] and Region [1] vertically?", "Region [0] and Region [1] overlap, so it's hard to tell how far apart they are vertically."),
  ];
}

/** CV-Bench rows: two 3D tasks and one 2D row (dropped by default). */
export function cvBenchRows(): Record<string, unknown>[] {
  const row = (idx: number, type: string, task: string, question: string, choices: string[], answer: string): Record<string, unknown> => ({
    idx,
    type,
    task,
    image: `img/${idx}.png`,
    question,
    choices,
    answer,
    prompt: `${question} Select from the following choices.\n${choices.map((c, i) => `(${"AB"[i]}) ${c}`).join("\n")}`,
    filename: `img/${idx}.png`,
    source: "Omni3D",
    source_dataset: "SUNRGBD",
    source_filename: `x/${idx}.jpg`,
    target_class: null,
    target_size: null,
    bbox: [],
  });
  return [
    row(0, "3D", "Depth", "Which object is closer to the camera taking this photo, the chair (highlighted by a red box) or the table (highlighted by a blue box)?", ["chair", "table"], "(A)"),
    row(1, "3D", "Depth", "Which object is closer to the camera taking this photo, the lamp (highlighted by a red box) or the sofa (highlighted by a blue box)?", ["lamp", "sofa"], "(B)"),
    row(2, "3D", "Distance", "Estimate the real-world distances between objects in this image. Which object is closer to the bed (highlighted by a red box), the desk (highlighted by a blue box) or the door (highlighted by a green box)?", ["desk", "door"], "(B)"),
    row(3, "2D", "Count", "How many chairs are in the image?", ["1", "2", "3", "4"], "(C)"),
  ];
}

/** A hand-written N3D-Bench file: one item of every answer kind and format. */
export function n3dBenchDoc(): Record<string, unknown> {
  const base = { imageId: 7, imageFile: "images/000007.png", depthFile: "depth/000007.png", objects: ["chair", "table"], cot: "<think>1. ...</think>" };
  const items = [
    { ...base, id: "height_data:0:open", group: "height_data:0", type: "height_data", format: "open", question: "How tall is the chair, in feet?", truth: { kind: "length", metres: 0.9137, unit: "ft", value: 3 }, truthText: "The chair is 3 feet tall.", scoring: "within25pct", unit: "ft" },
    { ...base, id: "height_data:0:numeric", group: "height_data:0", type: "height_data", format: "numeric", question: "How tall is the chair, in feet? Answer with a single number.", truth: { kind: "length", metres: 0.9137, unit: "ft", value: 3 }, truthText: "3", scoring: "within25pct", unit: "ft" },
    { ...base, id: "height_data:0:choice", group: "height_data:0", type: "height_data", format: "choice", question: "How tall is the chair, in feet?\n(A) 1.2 feet\n(B) 3 feet\nAnswer with the option's letter from the given choices directly.", choices: ["1.2 feet", "3 feet"], truth: { kind: "length", metres: 0.9137, unit: "ft", value: 3 }, truthText: "(B)", truthChoice: "B", scoring: "exact-choice", unit: "ft" },
    { ...base, id: "left_predicate:0:open", group: "left_predicate:0", type: "left_predicate", format: "open", question: "Is the chair to the left of the table?", truth: { kind: "bool", value: false }, truthText: "No, the chair is not to the left of the table.", scoring: "yes-no" },
    { ...base, id: "tall_choice:0:open", group: "tall_choice:0", type: "tall_choice", format: "open", question: "Which is taller, the chair or the table?", truth: { kind: "choice", value: "table", options: ["chair", "table"] }, truthText: "The table is taller than the chair.", scoring: "exact-choice" },
    { ...base, id: "direction:0:numeric", group: "direction:0", type: "direction", format: "numeric", question: "If you are at the chair, where is the table? Answer with a single clock hour from 1 to 12.", truth: { kind: "clock", value: 2 }, truthText: "2", scoring: "clock-within-1" },
    { ...base, id: "count_within_distance:0:open", group: "count_within_distance:0", type: "count_within_distance", format: "open", question: "How many objects are within 1 meters of the chair?", truth: { kind: "count", value: 1 }, truthText: "1 object is within 1 meters of the chair.", scoring: "exact-count", unit: "m" },
    { ...base, id: "order_by_distance_to_camera:0:open", group: "order_by_distance_to_camera:0", type: "order_by_distance_to_camera", format: "open", question: "Order the chair and the table from closest to farthest.", truth: { kind: "order", value: ["table", "chair"] }, truthText: "From closest to farthest from the camera: the table, the chair.", scoring: "exact-order" },
  ];
  return { format: "n3d-bench", version: 1, seed: 1, perType: 1, heldOut: 0.2, images: [7], types: ["height_data"], counts: {}, scoringRules: {}, items };
}

/** Rows as JSON lines. */
export function jsonl(rows: readonly unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
}
