import type { Box3D } from "../geometry/index.js";
import type { SceneObjectBox } from "./types.js";

/** An object before it has a question name. */
export interface UnnamedObject {
  readonly label: string;
  readonly box: Box3D;
  readonly attributes?: { readonly color?: string; readonly size?: string };
}

/**
 * Give objects the names questions use, as the official release does: the label when it is
 * unique in the scene, else `<k>_<label>` with k counting that label's instances from 0 in the
 * order given (callers that want a spatial order, e.g. left to right, sort first).
 */
export function nameObjects<T extends UnnamedObject>(objects: readonly T[]): (T & SceneObjectBox)[] {
  const total = new Map<string, number>();
  for (const o of objects) total.set(o.label, (total.get(o.label) ?? 0) + 1);
  const seen = new Map<string, number>();
  return objects.map((o) => {
    const k = seen.get(o.label) ?? 0;
    seen.set(o.label, k + 1);
    return { ...o, name: total.get(o.label) === 1 ? o.label : `${k}_${o.label}` };
  });
}
