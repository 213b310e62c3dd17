// ground/: asking spatial questions of an RGB-D frame. A Grounder turns a frame and a request
// (everything, a category, the objects a question names, or 2D region prompts) into metric 3D
// boxes; back ends sit in a registry (detect-lift, regions, endpoint, and native: the compact model
// of src/model). ask() maps a question onto a reason/ program, grounds its objects, and runs the
// program (ground-then-reason), or lets a back end answer in its own words (direct).
export type { GroundedBox, Grounder, GroundRequest, GroundRequestKind, RegionPrompt } from "./types.js";
export { createGrounder, GROUNDER_NAMES, GROUNDERS } from "./registry.js";
export type { GrounderOptions } from "./registry.js";
export { checkRegions, createRegionsGrounder, liftRegions, maskBox, SAME_OBJECT_IOU, validDepthPixels } from "./regions.js";
export type { CheckedRegion, RegionsGrounderOptions } from "./regions.js";
export { createNativeGrounder, NATIVE_DETECT_PROMPT, NATIVE_GROUND_TEMPLATE, nativeLabelOf } from "./native.js";
export type { NativeGrounderOptions, NativeModel } from "./native.js";
export { createDetectLiftGrounder, DETECT_LIFT_MIN_SCORE, labelsNamed } from "./detect-lift.js";
export type { DetectLiftOptions } from "./detect-lift.js";
export { bboxLinesOf, createEndpointGrounder, endpointPrompt, frameNormalization } from "./endpoint.js";
export type { EndpointGrounderOptions } from "./endpoint.js";
export { defaultLift, liftFrameOf } from "./lifting.js";
export type { LiftFn } from "./lifting.js";
export { ask, ASK_MODES, askBoxJson, askJson, nameGrounded } from "./ask.js";
export type { AskBoxJson, AskJson, AskMode, AskObject, AskOptions, AskResult } from "./ask.js";
export { askableQuestions, parseQuestion, UnmappedQuestionError } from "./understand.js";
export type { AskableQuestion, ParsedQuestion } from "./understand.js";
export { EXTRA_PHRASINGS, LEAD_INS, PARAPHRASE_SWAPS, QUESTION_FORMS, UNIT_SPELLINGS, compileForm, unitlessTemplate, unitSuffixTemplate } from "./grammar.js";
export type { FormSource, QuestionForm, SlotName } from "./grammar.js";
export { regionIndex, regionName, resolveMention } from "./mentions.js";
export type { MentionTarget } from "./mentions.js";
export { coveredByAttributes, matchLabel, normalizePhrase, sameName, singularize, SYNONYM_GROUPS } from "./vocabulary.js";
export type { LabelMatch } from "./vocabulary.js";
export { answerPart, readDirectAnswer } from "./direct-answer.js";
export { OPTION_LETTERS, pickOption } from "./options.js";
export { askOverlayBoxes, renderAskOverlay, UNUSED_BOX_COLOR } from "./overlay.js";
export type { AskOverlayOptions } from "./overlay.js";
export { DEMO_MIN_PIXELS, DEMO_TYPES, runDemo } from "./demo.js";
export type { DemoObject, DemoOptions, DemoQuestion, DemoResult, DemoScene } from "./demo.js";
