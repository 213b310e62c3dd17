import type { Box2D, Box3D } from "../geometry/index.js";
import type { RGBDFrame } from "../rgbd/index.js";

/**
 * Grounding: an RGB-D frame and a request in, metric 3D boxes out. Every back end (detector +
 * lifting, user regions + lifting, a remote VLM, the native model) answers the same
 * {@link GroundRequest} with the same {@link GroundedBox} list, so ask() does not care which one ran.
 */

/**
 * An object given by the user as a 2D box or a mask (SpatialRGPT-Bench's region prompts). Questions
 * name region k as `<regionk>`.
 */
export interface RegionPrompt {
  /**
   * The 2D box in n3d pixel coordinates (pixel centres at integers, so the image spans
   * [-0.5, W - 0.5] x [-0.5, H - 0.5]); derived from the mask when only a mask is given.
   */
  readonly box?: Box2D;
  /** Instance mask, H * W row-major, nonzero = the object. Lifting uses it instead of the box when given. */
  readonly mask?: Uint8Array;
  /** Category label when known (a stand-in detector's output); unlabelled regions are "Region [k]". */
  readonly label?: string;
  /** Colour and size words for naming by description ("red chair"), when known. */
  readonly attributes?: { readonly color?: string; readonly size?: string };
}

/** What to ground. */
export type GroundRequest =
  /** Every object the back end can find. */
  | { readonly kind: "all" }
  /** Every instance of one category ("chair", "chairs", "sofa": synonyms and plurals allowed). */
  | { readonly kind: "category"; readonly category: string }
  /**
   * The objects a question names ("red chair", "2_table"): every instance of each named category,
   * so the names can be told apart afterwards. `question` is the question they come from, for back
   * ends that ground from the question itself (the official stage-1 prompt).
   */
  | { readonly kind: "named"; readonly names: readonly string[]; readonly question?: string }
  /** Exactly these regions, in order: one box per region. */
  | { readonly kind: "regions"; readonly regions: readonly RegionPrompt[] };

/** The kinds of {@link GroundRequest}. */
export type GroundRequestKind = GroundRequest["kind"];

/** One grounded object. */
export interface GroundedBox {
  /** Category label ("chair"); "region" for an unlabelled region prompt. */
  readonly label: string;
  /** Camera frame (OpenCV: +x right, +y down, +z forward), metres. */
  readonly box: Box3D;
  /** Confidence in [0, 1]: the detector's score; 1 for user regions and for back ends without scores. */
  readonly score: number;
  /** The 2D box it came from (n3d pixel coordinates), when there was one. */
  readonly box2d?: Box2D;
  /** Index of the region prompt it answers, for region requests. */
  readonly region?: number;
  readonly attributes?: { readonly color?: string; readonly size?: string };
  /**
   * Why the lifting filters would have dropped it, when a region was kept anyway (the user asked
   * about it): "truncated: ...", "implausible_size: ...".
   */
  readonly note?: string;
}

/** A grounding back end. */
export interface Grounder {
  /** Registry name ("detect-lift", "regions", "endpoint", "native"). */
  readonly name: string;
  /** The request kinds it answers; others throw an InputError naming the back end. */
  readonly accepts: readonly GroundRequestKind[];
  /** Boxes for `request` on `frame`. Throws an InputError naming the cause when it cannot. */
  ground(frame: RGBDFrame, request: GroundRequest): Promise<GroundedBox[]>;
  /**
   * The back end's own free-text answer to a question (the paper's direct mode), when it can answer
   * in words; absent for back ends that only ground.
   */
  answer?(frame: RGBDFrame, question: string): Promise<string>;
  /** Release what it holds (a loaded detector). Safe to call twice. */
  dispose(): Promise<void>;
}
