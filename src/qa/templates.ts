import { InputError } from "../errors.js";
import { getProgram, UNIT_WORDS, type LengthUnit, type QuestionProgram } from "../reason/index.js";

/**
 * Question wording. Two families:
 * - the official release's fixed prompts (reference/FORMATS.md §1), reproduced character for
 *   character: detection, grounding, and the stage-1 suffix of a reasoning question. They keep the
 *   literal `<code_template>` placeholder, which the release's loader replaces with
 *   {@link CODE_TEMPLATE}, and start with `<image>`;
 * - n3d's plain phrasings: at least five per question type, with slots filled by
 *   {@link fillTemplate}: `{A}`, `{B}`, `{C}` object names in the order the program takes them,
 *   `{objects}` a list of names ("chair, table and lamp"), `{candidates}` the options joined with
 *   "or" ("chair, table or lamp") and `{candidates_and}` the same joined with "and", `{class}` a category, `{unit}` a unit word ("meters"),
 *   `{radius}` a distance already written with its unit ("1.50 meters"). Names are written bare, without articles, as the release writes them
 *   ("What is the height of person?", "If you are at 4_hotair ballon, ...").
 */

/** The release's reference code (config/code_template.txt) that `<code_template>` stands for. */
export const CODE_TEMPLATE = [
  "@dataclass",
  "class Bbox:",
  "    class: str",
  "    position_u: int",
  "    position_v: int",
  "    position_z: int",
  "    angle_y: int",
  "    scale_x: int",
  "    scale_y: int",
  "    scale_z: int",
].join("\n");

/** The placeholder the official prompts carry for {@link CODE_TEMPLATE}. */
export const CODE_TEMPLATE_PLACEHOLDER = "<code_template>";

/** Official detection prompt. */
export const OFFICIAL_DETECTION_PROMPT = "<image>Detect boxes. The reference code is as followed: <code_template>";

/** Official stage-1 suffix appended to a reasoning question (the release's SPLIT_TEMPLATE). */
export const OFFICIAL_STAGE1_SUFFIX = " First locate the bbox of the aforementioned object(s). The reference code is as followed: <code_template>";

/** Official grounding prompt for one category. */
export function officialGroundingPrompt(category: string): string {
  return `<image>Identify the 3D boxes for all the '${category}' in this scene. The reference code is as followed: <code_template>`;
}

/** Official stage-1 prompt of a reasoning question: `<image>` + question + the suffix. */
export function officialStage1Prompt(question: string): string {
  return `<image>${question}${OFFICIAL_STAGE1_SUFFIX}`;
}

/** Replace the `<code_template>` placeholder with the reference code, as the release's loader does. */
export function expandCodeTemplate(prompt: string): string {
  return prompt.split(CODE_TEMPLATE_PLACEHOLDER).join(CODE_TEMPLATE);
}

/** n3d's plain detection phrasings (answer: every visible object's box). */
export const DETECTION_TEMPLATES: readonly string[] = [
  "Detect the 3D boxes of all objects in this scene.",
  "Find every object in the image and give its 3D bounding box.",
  "List the 3D boxes of all the objects you can see.",
  "Locate all objects in 3D and output their boxes.",
  "What objects are in this scene? Give each one's 3D box.",
  "Give the metric 3D bounding box of each visible object.",
];

/** n3d's plain grounding phrasings (answer: every instance of `{class}`). */
export const GROUNDING_TEMPLATES: readonly string[] = [
  "Find the 3D boxes of all the {class} in this scene.",
  "Locate every {class} in the image and give its 3D box.",
  "Where is each {class}? Output the 3D bounding boxes.",
  "Give the 3D bounding box of every instance of {class}.",
  "Identify all {class} objects in 3D.",
  "Ground every {class} in this scene with a 3D box.",
];


/** Values for a template's slots. */
export interface TemplateSlots {
  readonly A?: string;
  readonly B?: string;
  readonly C?: string;
  readonly objects?: readonly string[];
  /** Names joined with "or" for `{candidates}`, with "and" for `{candidates_and}`. */
  readonly candidates?: readonly string[];
  readonly class?: string;
  readonly unit?: LengthUnit;
  /** Any other named slot a program needs (e.g. a distance threshold already formatted). */
  readonly extra?: Readonly<Record<string, string>>;
}

/** "a", "a and b", "a, b and c" (or with "or"). */
export function joinNames(names: readonly string[], conjunction: "and" | "or" = "and"): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} ${conjunction} ${names[names.length - 1]}`;
}

/** The `{slot}` names a template uses, in order of first use. */
export function templateSlots(template: string): string[] {
  return [...new Set([...template.matchAll(/\{([A-Za-z_]+)\}/g)].map((m) => m[1]!))];
}

/**
 * Fill a template's slots. Throws an InputError naming the slot when the template uses one that
 * `slots` does not give, so a question is never emitted with a hole in it.
 */
export function fillTemplate(template: string, slots: TemplateSlots): string {
  return template.replace(/\{([A-Za-z_]+)\}/g, (_, name: string) => {
    let value: string | undefined;
    if (name === "A" || name === "B" || name === "C" || name === "class") value = slots[name];
    else if (name === "objects") value = slots.objects === undefined ? undefined : joinNames(slots.objects);
    else if (name === "candidates") value = slots.candidates === undefined ? undefined : joinNames(slots.candidates, "or");
    else if (name === "candidates_and") value = slots.candidates === undefined ? undefined : joinNames(slots.candidates, "and");
    else if (name === "unit") value = slots.unit === undefined ? undefined : UNIT_WORDS[slots.unit][1];
    else value = slots.extra?.[name];
    if (value === undefined) throw new InputError("fillTemplate", `{${name}}`, template, "slot has no value");
    return value;
  });
}

/**
 * n3d's plain phrasings per reasoning question type (reason/'s registry names). Slots follow the
 * program's roles: `{A}`, `{B}` for two objects; for closer_to_reference `{A}` is the reference
 * and `{B}`, `{C}` the two candidates; for closest_to / farthest_to `{A}` is the reference and
 * `{candidates}` the rest; tallest / shortest list `{candidates}`; the ordering lists `{objects}`;
 * count_within_distance has `{A}` and `{radius}`. Quantitative questions name the `{unit}` the
 * answer sentence uses. Choice questions name the options in the program's order.
 */
export const REASONING_TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  // Quantitative: a length, in the unit asked.
  direct_distance: [
    "What is the direct distance between {A} and {B}, in {unit}?",
    "How far apart are {A} and {B}? Answer in {unit}.",
    "How far is {A} from {B}, center to center, in {unit}?",
    "Measure the straight-line distance from {A} to {B} in {unit}.",
    "In {unit}, what is the distance between the centers of {A} and {B}?",
  ],
  direct_distance_surface: [
    "What is the gap between {A} and {B}, in {unit}?",
    "How close do {A} and {B} come to each other? Answer in {unit}.",
    "What is the shortest distance between the surfaces of {A} and {B}, in {unit}?",
    "In {unit}, how much space is there between {A} and {B} at their closest points?",
    "Measure the clearance between {A} and {B} in {unit}.",
  ],
  horizontal_distance: [
    "What is the horizontal distance between {A} and {B}, in {unit}?",
    "How far apart are {A} and {B} horizontally? Answer in {unit}.",
    "Measured along the ground, how far is {A} from {B} in {unit}?",
    "In {unit}, what is the distance between {A} and {B} on the ground plane?",
    "Ignoring height, how far apart are {A} and {B}, in {unit}?",
  ],
  vertical_distance: [
    "What is the vertical distance between {A} and {B}, in {unit}?",
    "How far apart are {A} and {B} vertically? Answer in {unit}.",
    "How much higher or lower is the center of {A} than the center of {B}, in {unit}?",
    "In {unit}, what is the difference in height between the centers of {A} and {B}?",
    "Measure the vertical gap between the centers of {A} and {B} in {unit}.",
  ],
  width_data: [
    "How wide is {A}, in {unit}?",
    "What is the width of {A} in {unit}?",
    "Measure the width of {A} in {unit}.",
    "In {unit}, how wide is {A} from side to side?",
    "Tell me the width of {A}, in {unit}.",
  ],
  height_data: [
    "What is the height of {A}, in {unit}?",
    "How tall is {A}? Answer in {unit}.",
    "Measure the height of {A} in {unit}.",
    "In {unit}, how tall is {A}?",
    "Tell me how high {A} is from bottom to top, in {unit}.",
  ],
  depth_data: [
    "How deep is {A}, in {unit}?",
    "What is the depth of {A} from front to back, in {unit}?",
    "Measure how long {A} is along the viewing direction, in {unit}.",
    "In {unit}, what is the front-to-back length of {A}?",
    "Tell me the depth of {A} in {unit}.",
  ],
  distance_to_camera: [
    "How far is {A} from the camera, in {unit}?",
    "What is the distance between the camera and {A}, in {unit}?",
    "How far away from the viewer is {A}? Answer in {unit}.",
    "In {unit}, how far is {A} from where the photo was taken?",
    "Measure the distance from the camera to {A} in {unit}.",
  ],

  // Left / right.
  left_predicate: [
    "Is {A} to the left of {B}?",
    "Is {A} on the left side of {B}?",
    "Does {A} appear to the left of {B}?",
    "From the camera's view, is {A} left of {B}?",
    "Can you confirm if {A} is positioned to the left of {B}?",
  ],
  left_choice: [
    "Which is farther to the left, {A} or {B}?",
    "Which one is more to the left: {A} or {B}?",
    "Between {A} and {B}, which is on the left?",
    "From the camera's view, which is further left, {A} or {B}?",
    "Who is positioned more to the left, {A} or {B}?",
  ],
  right_predicate: [
    "Is {A} to the right of {B}?",
    "Is {A} on the right side of {B}?",
    "Does {A} appear to the right of {B}?",
    "From the camera's view, is {A} right of {B}?",
    "Can you confirm if {A} is positioned to the right of {B}?",
  ],
  right_choice: [
    "Which is farther to the right, {A} or {B}?",
    "Which one is more to the right: {A} or {B}?",
    "Between {A} and {B}, which is on the right?",
    "From the camera's view, which is further right, {A} or {B}?",
    "Who is positioned more to the right, {A} or {B}?",
  ],

  // Above / below.
  below_predicate: [
    "Is {A} below {B}?",
    "Is {A} lower than {B}?",
    "Does {A} sit lower down than {B}?",
    "Is {A} positioned beneath {B}?",
    "Can you confirm that {A} is below {B}?",
  ],
  below_choice: [
    "Which is lower, {A} or {B}?",
    "Which one is positioned lower: {A} or {B}?",
    "Between {A} and {B}, which sits lower?",
    "Which of {A} and {B} is closer to the ground?",
    "Who is lower down, {A} or {B}?",
  ],
  above_predicate: [
    "Is {A} above {B}?",
    "Is {A} higher than {B}?",
    "Does {A} sit higher up than {B}?",
    "Is {A} positioned over {B}?",
    "Can you confirm that {A} is above {B}?",
  ],
  above_choice: [
    "Which is higher, {A} or {B}?",
    "Which one is positioned higher: {A} or {B}?",
    "Between {A} and {B}, which sits higher?",
    "Which of {A} and {B} is farther from the ground?",
    "Who is higher up, {A} or {B}?",
  ],

  // Behind / in front (nearest point).
  behind_predicate: [
    "Is {A} behind {B}?",
    "Is {A} positioned behind {B} as seen from the camera?",
    "Is {A} farther back than {B}?",
    "Does {A} lie behind {B}?",
    "From the viewer's position, is {A} behind {B}?",
  ],
  behind_choice: [
    "Which is farther back, {A} or {B}?",
    "Which one is behind the other: {A} or {B}?",
    "Between {A} and {B}, which is farther from the front of the scene?",
    "From the camera, which lies farther back, {A} or {B}?",
    "Who is further back, {A} or {B}?",
  ],
  front_predicate: [
    "Is {A} in front of {B}?",
    "Is {A} positioned in front of {B} as seen from the camera?",
    "Is {A} closer to the front than {B}?",
    "Does {A} lie in front of {B}?",
    "From the viewer's position, is {A} in front of {B}?",
  ],
  front_choice: [
    "Which is farther in front, {A} or {B}?",
    "Which one is in front of the other: {A} or {B}?",
    "Between {A} and {B}, which is nearer the front of the scene?",
    "From the camera, which lies farther forward, {A} or {B}?",
    "Who is further in front, {A} or {B}?",
  ],

  // Behind / in front (by centre).
  behind_center_predicate: [
    "Judging by their centers, is {A} behind {B}?",
    "Is the center of {A} behind the center of {B}?",
    "Comparing centers, is {A} farther back than {B}?",
    "Is the middle of {A} deeper in the scene than the middle of {B}?",
    "By center position, does {A} lie behind {B}?",
  ],
  behind_center_choice: [
    "Judging by their centers, which is farther back, {A} or {B}?",
    "Whose center is farther back, {A} or {B}?",
    "Comparing centers, which lies behind the other: {A} or {B}?",
    "Which has its middle deeper in the scene, {A} or {B}?",
    "By center position, which is further back, {A} or {B}?",
  ],
  front_center_predicate: [
    "Judging by their centers, is {A} in front of {B}?",
    "Is the center of {A} in front of the center of {B}?",
    "Comparing centers, is {A} closer to the front than {B}?",
    "Is the middle of {A} nearer the front of the scene than the middle of {B}?",
    "By center position, does {A} lie in front of {B}?",
  ],
  front_center_choice: [
    "Judging by their centers, which is farther in front, {A} or {B}?",
    "Whose center is farther forward, {A} or {B}?",
    "Comparing centers, which lies in front of the other: {A} or {B}?",
    "Which has its middle nearer the front of the scene, {A} or {B}?",
    "By center position, which is further in front, {A} or {B}?",
  ],

  // Bigger / smaller (volume).
  big_predicate: [
    "Is {A} bigger than {B}?",
    "Is {A} larger than {B}?",
    "Does {A} take up more space than {B}?",
    "Is {A} greater in size than {B}?",
    "Would you say {A} is bigger than {B}?",
  ],
  big_choice: [
    "Which is bigger, {A} or {B}?",
    "Which one is larger: {A} or {B}?",
    "Between {A} and {B}, which takes up more space?",
    "Which has the greater volume, {A} or {B}?",
    "Who is bigger, {A} or {B}?",
  ],
  small_predicate: [
    "Is {A} smaller than {B}?",
    "Is {A} less bulky than {B}?",
    "Does {A} take up less space than {B}?",
    "Is {A} lesser in size than {B}?",
    "Would you say {A} is smaller than {B}?",
  ],
  small_choice: [
    "Which is smaller, {A} or {B}?",
    "Which one is less bulky: {A} or {B}?",
    "Between {A} and {B}, which takes up less space?",
    "Which has the smaller volume, {A} or {B}?",
    "Who is smaller, {A} or {B}?",
  ],

  // Taller / shorter.
  tall_predicate: [
    "Is {A} taller than {B}?",
    "Does {A} stand taller than {B}?",
    "Is the height of {A} greater than that of {B}?",
    "Is {A} a taller object than {B}?",
    "Would you say {A} is taller than {B}?",
  ],
  tall_choice: [
    "Which is taller, {A} or {B}?",
    "Which one stands taller: {A} or {B}?",
    "Between {A} and {B}, which has the greater height?",
    "Which of {A} and {B} is the taller one?",
    "Who is taller, {A} or {B}?",
  ],
  short_predicate: [
    "Is {A} shorter than {B}?",
    "Does {A} stand shorter than {B}?",
    "Is the height of {A} less than that of {B}?",
    "Is {A} a shorter object than {B}?",
    "Would you say {A} is shorter than {B}?",
  ],
  short_choice: [
    "Which is shorter, {A} or {B}?",
    "Which one stands shorter: {A} or {B}?",
    "Between {A} and {B}, which has the smaller height?",
    "Which of {A} and {B} is the shorter one?",
    "Who is shorter, {A} or {B}?",
  ],

  // Wider / thinner.
  wide_predicate: [
    "Is {A} wider than {B}?",
    "Is {A} broader than {B}?",
    "Is the width of {A} greater than that of {B}?",
    "Does {A} span more from side to side than {B}?",
    "Would you say {A} is wider than {B}?",
  ],
  wide_choice: [
    "Which is wider, {A} or {B}?",
    "Which one is broader: {A} or {B}?",
    "Between {A} and {B}, which has the greater width?",
    "Which of {A} and {B} spans more from side to side?",
    "Who is wider, {A} or {B}?",
  ],
  thin_predicate: [
    "Is {A} thinner than {B}?",
    "Is {A} narrower than {B}?",
    "Is the width of {A} less than that of {B}?",
    "Does {A} span less from side to side than {B}?",
    "Would you say {A} is thinner than {B}?",
  ],
  thin_choice: [
    "Which is thinner, {A} or {B}?",
    "Which one is narrower: {A} or {B}?",
    "Between {A} and {B}, which has the smaller width?",
    "Which of {A} and {B} spans less from side to side?",
    "Who is thinner, {A} or {B}?",
  ],

  // Distance to the camera (CV-Bench Depth).
  closer_to_camera_predicate: [
    "Is {A} closer to the camera than {B}?",
    "Is {A} nearer to the camera than {B}?",
    "Is {A} closer to the viewer than {B} is?",
    "Compared with {B}, is {A} closer to where the photo was taken?",
    "Would you say {A} is nearer the camera than {B}?",
  ],
  closer_to_camera: [
    "Which object is closer to the camera taking this photo, {A} or {B}?",
    "Which is nearer to the camera, {A} or {B}?",
    "Between {A} and {B}, which is closer to the viewer?",
    "Which of {A} and {B} is closer to where the photo was taken?",
    "Who is nearer the camera, {A} or {B}?",
  ],
  farther_from_camera_predicate: [
    "Is {A} farther from the camera than {B}?",
    "Is {A} more distant from the camera than {B}?",
    "Is {A} farther from the viewer than {B} is?",
    "Compared with {B}, is {A} farther from where the photo was taken?",
    "Would you say {A} is farther away from the camera than {B}?",
  ],
  farther_from_camera: [
    "Which object is farther from the camera taking this photo, {A} or {B}?",
    "Which is more distant from the camera, {A} or {B}?",
    "Between {A} and {B}, which is farther from the viewer?",
    "Which of {A} and {B} is farther from where the photo was taken?",
    "Who is farther away from the camera, {A} or {B}?",
  ],

  // Direction as a clock.
  direction: [
    "If you are at {A}, where will you find {B}?",
    "Standing at {A} and facing the same way as the camera, at what clock position is {B}?",
    "From {A}, looking in the camera's direction, which o'clock is {B} at?",
    "You are at {A}, facing forward like the camera. In which clock direction is {B}?",
    "Give the clock direction of {B} as seen from {A}, facing the camera's forward direction.",
  ],

  // A reference and candidates (CV-Bench Distance and superlatives).
  closer_to_reference: [
    "Which object is closer to {A}, {B} or {C}?",
    "Estimate the real-world distances between objects in this image. Which object is closer to {A}, {B} or {C}?",
    "Between {B} and {C}, which is nearer to {A}?",
    "Which is at a shorter distance from {A}: {B} or {C}?",
    "Is {B} or {C} closer to {A}?",
  ],
  closest_to: [
    "Which of {candidates_and} is closest to {A}?",
    "Among {candidates_and}, which object is nearest to {A}?",
    "Which object is closest to {A}: {candidates}?",
    "Of {candidates_and}, which one is at the shortest distance from {A}?",
    "Find the object nearest to {A} among {candidates_and}.",
  ],
  farthest_to: [
    "Which of {candidates_and} is farthest from {A}?",
    "Among {candidates_and}, which object is most distant from {A}?",
    "Which object is farthest from {A}: {candidates}?",
    "Of {candidates_and}, which one is at the greatest distance from {A}?",
    "Find the object farthest from {A} among {candidates_and}.",
  ],
  tallest: [
    "Which is the tallest: {candidates}?",
    "Among {candidates_and}, which object is the tallest?",
    "Which of {candidates_and} has the greatest height?",
    "Of {candidates_and}, which one stands tallest?",
    "Find the tallest object among {candidates_and}.",
  ],
  shortest: [
    "Which is the shortest: {candidates}?",
    "Among {candidates_and}, which object is the shortest?",
    "Which of {candidates_and} has the smallest height?",
    "Of {candidates_and}, which one stands shortest?",
    "Find the shortest object among {candidates_and}.",
  ],

  // Lists.
  order_by_distance_to_camera: [
    "Order {objects} from closest to farthest from the camera.",
    "Sort {objects} by their distance from the camera, nearest first.",
    "List {objects} from the one nearest the camera to the one farthest away.",
    "Rank {objects} by how far they are from the viewer, closest first.",
    "Starting with the closest, arrange {objects} by distance from the camera.",
  ],
  count_within_distance: [
    "How many objects are within {radius} of {A}?",
    "Count the objects whose centers are within {radius} of {A}.",
    "How many other objects lie no more than {radius} from {A}?",
    "Within a radius of {radius} around {A}, how many objects are there?",
    "How many things are at most {radius} away from {A}, center to center?",
  ],
};

/**
 * A phrasing made from a program's description, for a type added to reason/ after these
 * templates were written: the description's role letters become slots. One phrasing only; the
 * templates test fails until the type gets its own five.
 */
function descriptionTemplate(program: QuestionProgram): string {
  const first = program.description.split(/(?<=[?.])\s/)[0]!.replace(/\s*\([^)]*\)\s*$/, "");
  const roleSlots: Record<string, string> = { A: "{A}", B: "{B}", R: "{A}", X: "{B}", Y: "{C}" };
  return first.replace(/\b([ABRXY])\b/g, (letter: string) => roleSlots[letter] ?? letter);
}

/**
 * The phrasings of a reasoning question type. Throws "X is not a supported question type; choose
 * one of ..." for a type reason/ does not know; a known type without its own phrasings gets one
 * made from its description.
 */
export function reasoningTemplates(type: string): readonly string[] {
  const program = getProgram(type, "reasoningTemplates");
  return REASONING_TEMPLATES[type] ?? [descriptionTemplate(program)];
}
