import { InputError } from "../errors.js";
import { createDetectLiftGrounder, type DetectLiftOptions } from "./detect-lift.js";
import { createEndpointGrounder, type EndpointGrounderOptions } from "./endpoint.js";
import { createRegionsGrounder, type RegionsGrounderOptions } from "./regions.js";
import type { Grounder } from "./types.js";

/** Options for any back end; each reads its own part. */
export interface GrounderOptions {
  /** `regions` (and the lifter `detect-lift` shares). */
  readonly regions?: RegionsGrounderOptions;
  readonly detectLift?: DetectLiftOptions;
  readonly endpoint?: EndpointGrounderOptions;
}

/** The message the `native` slot answers with until the compact model ships (issue 8). */
export const NATIVE_NOT_AVAILABLE = "not available yet: the compact model is not shipped in this version";

/** Registry: back-end name -> factory. */
export const GROUNDERS: Readonly<Record<string, (options: GrounderOptions) => Grounder>> = {
  "detect-lift": (o) => createDetectLiftGrounder({ ...(o.regions?.lift ? { lift: o.regions.lift } : {}), ...o.detectLift }),
  regions: (o) => createRegionsGrounder(o.regions ?? {}),
  endpoint: (o) => createEndpointGrounder(o.endpoint ?? {}),
  native: () => {
    throw new InputError("grounder", "backend", "native", NATIVE_NOT_AVAILABLE);
  },
};

/** Every back-end name, in registry order. */
export const GROUNDER_NAMES: readonly string[] = Object.keys(GROUNDERS);

/**
 * A back end by name. Throws "X is not a supported grounding back end; choose one of ..." for an
 * unknown name, and the back end's own InputError when it cannot be made (the native model is not
 * shipped yet; an endpoint without URL or model).
 */
export function createGrounder(name: string, options: GrounderOptions = {}): Grounder {
  const factory = typeof name === "string" && Object.prototype.hasOwnProperty.call(GROUNDERS, name) ? GROUNDERS[name] : undefined;
  if (factory === undefined) throw new InputError("grounder", "backend", name, `is not a supported grounding back end; choose one of ${GROUNDER_NAMES.join(", ")}`);
  return factory(options);
}
