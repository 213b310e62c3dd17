import { InputError } from "../errors.js";
import { createDetectLiftGrounder, type DetectLiftOptions } from "./detect-lift.js";
import { createEndpointGrounder, type EndpointGrounderOptions } from "./endpoint.js";
import { createNativeGrounder } from "./native.js";
import { createRegionsGrounder, type RegionsGrounderOptions } from "./regions.js";
import type { Grounder } from "./types.js";

/** Options for any back end; each reads its own part. */
export interface GrounderOptions {
  /** `regions` (and the lifter `detect-lift` shares). */
  readonly regions?: RegionsGrounderOptions;
  readonly detectLift?: DetectLiftOptions;
  readonly endpoint?: EndpointGrounderOptions;
  /** `native`: the compact model's folder (required) and onnxruntime threads (default 2). */
  readonly native?: { readonly modelDir: string; readonly threads?: number };
}

/** Registry: back-end name -> factory. */
export const GROUNDERS: Readonly<Record<string, (options: GrounderOptions) => Grounder>> = {
  "detect-lift": (o) => createDetectLiftGrounder({ ...(o.regions?.lift ? { lift: o.regions.lift } : {}), ...o.detectLift }),
  regions: (o) => createRegionsGrounder(o.regions ?? {}),
  endpoint: (o) => createEndpointGrounder(o.endpoint ?? {}),
  native: (o) => {
    if (o.native?.modelDir === undefined) throw new InputError("grounder", "native.modelDir", undefined, "missing; the native back end needs a model folder: pass --model DIR (a folder from n3d train)");
    return createNativeGrounder({ modelDir: o.native.modelDir, ...(o.native.threads !== undefined ? { threads: o.native.threads } : {}) });
  },
};

/** Every back-end name, in registry order. */
export const GROUNDER_NAMES: readonly string[] = Object.keys(GROUNDERS);

/**
 * A back end by name. Throws "X is not a supported grounding back end; choose one of ..." for an
 * unknown name, and the back end's own InputError when it cannot be made (native without a model
 * folder; an endpoint without URL or model). The native back end reads its folder on first use.
 */
export function createGrounder(name: string, options: GrounderOptions = {}): Grounder {
  const factory = typeof name === "string" && Object.prototype.hasOwnProperty.call(GROUNDERS, name) ? GROUNDERS[name] : undefined;
  if (factory === undefined) throw new InputError("grounder", "backend", name, `is not a supported grounding back end; choose one of ${GROUNDER_NAMES.join(", ")}`);
  return factory(options);
}
