// qa/: the data engine's last step. Reads a 3D annotation repository, writes detection, grounding
// and reasoning QA (answers and chains of thought executed by reason/), rewords questions, exports
// n3d JSONL and LLaMA-Factory JSON in the official release's layout, and builds N3D-Bench.
export { ANNOTATIONS_FILE, parseRepository, readRepository, sceneFilePath } from "./repository.js";
export type { ImageId, QaRepository, QaScene, QaSceneObject } from "./repository.js";
export type { BoxesAnswer, QaAnswerValue, QaForm, QaRecord } from "./types.js";
export {
  CODE_TEMPLATE,
  CODE_TEMPLATE_PLACEHOLDER,
  DETECTION_TEMPLATES,
  expandCodeTemplate,
  fillTemplate,
  GROUNDING_TEMPLATES,
  joinNames,
  OFFICIAL_DETECTION_PROMPT,
  OFFICIAL_STAGE1_SUFFIX,
  officialGroundingPrompt,
  officialStage1Prompt,
  REASONING_TEMPLATES,
  reasoningTemplates,
  templateSlots,
} from "./templates.js";
export type { TemplateSlots } from "./templates.js";
export { BalanceTracker, balanceKey, balanceOutcomes } from "./balance.js";
export { drawReasoning, phraseQuestion } from "./draw.js";
export type { DrawSettings, ReasoningDraw } from "./draw.js";
export {
  DEFAULT_QA_OPTIONS,
  generateQa,
  generateSceneQa,
  officialLines,
  QA_FORMS,
  QA_OPTION_REASONS,
  resolveQaOptions,
  sceneRng,
} from "./generate.js";
export type { QaOptions, ResolvedQaOptions } from "./generate.js";
export { BuiltinParaphraser, keepsAll, numbersIn, OpenAIParaphraser, paraphraseQuestions } from "./paraphrase.js";
export type { OpenAIParaphraserOptions, ParaphraseStats, Paraphraser } from "./paraphrase.js";
export {
  officialQuestionType,
  pointsFileFor,
  qaStats,
  qaStatsMarkdown,
  serializeLlamaFactoryJson,
  serializeQaJsonl,
  toLlamaFactoryItem,
  writeLlamaFactoryJson,
  writeQaJsonl,
  writeQaStats,
} from "./export.js";
export type { AnswerBalance, LlamaFactoryItem, LlamaFactoryMessage, QaStats } from "./export.js";
export { checkShare, DEFAULT_HELD_OUT_SHARE, heldOutFraction, isHeldOut } from "./split.js";
export {
  BENCH_FORMATS,
  buildN3dBench,
  CHOICE_SUFFIX,
  SCORING_RULES,
  serializeN3dBench,
  writeN3dBench,
} from "./bench-build.js";
export type { BenchFormat, BenchItem, BenchOptions, N3dBench, ScoringRule } from "./bench-build.js";
export { CachedChatClient } from "./chat-client.js";
export type { CachedChatClientOptions, ChatMessage, ChatStats } from "./chat-client.js";
