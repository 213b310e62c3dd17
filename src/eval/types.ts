/**
 * The evaluator contract every scorer in n3d follows (after Detectron2's DatasetEvaluator):
 * reset() clears state, process() takes a batch of (prediction, truth) inputs, evaluate() returns
 * {task: {metric: value}}. The model, the lifting pipeline and external predictions all plug in
 * the same way.
 */
export type EvalResults = Record<string, Record<string, number>>;

export interface Evaluator<I> {
  /** Name used in reports ("grounding", "qa"). */
  readonly name: string;
  reset(): void;
  process(inputs: readonly I[]): void;
  evaluate(): EvalResults;
}

/** An input that could not be scored, with the reason (reported, never fatal). */
export interface SkippedInput {
  /** Id of the record (image id, question id) or "line N" when it had none. */
  readonly id: string;
  /** One-line reason: "missing id", "duplicated id 17", "NaN in boxes[2].center[0]", ... */
  readonly reason: string;
}
