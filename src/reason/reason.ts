import { InputError } from "../errors.js";
import { checkArity } from "./program.js";
import { getProgram } from "./registry.js";
import { resolveObject } from "./resolve.js";
import type { ReasonContext, ReasoningResult, SceneObjectBox } from "./types.js";
import { validateContext, validateObjects } from "./validate.js";

/**
 * Answer a question: run the program `type` on the objects `names` refers to (see resolve.ts for
 * how names match: exact name, `<index>_<label>`, a unique label, or "red chair").
 *
 * Validates everything first: an unknown type ("X is not a supported question type; choose one
 * of ..."), a bad box (the message names the object and field), a name matching no object or
 * several, the wrong number of names, the same object twice, a bad context. For
 * `count_within_distance`, naming only A counts among every other object of the scene.
 */
export function reason(type: string, names: readonly string[], objects: readonly SceneObjectBox[], ctx: ReasonContext = {}): ReasoningResult {
  const where = "reason";
  const program = getProgram(type, where);
  validateObjects(objects, where);
  validateContext(ctx, where);
  if (!Array.isArray(names) || names.length === 0) throw new InputError(where, "names", names, `must name the objects (${program.roles.join(", ")})`);
  let chosen = names.map((n) => resolveObject(n, objects, where));
  if (type === "count_within_distance" && chosen.length === 1) {
    const a = chosen[0]!;
    chosen = [a, ...objects.filter((o) => o !== a)];
  }
  checkArity(program, chosen.length, where);
  return program.run(chosen, ctx);
}
