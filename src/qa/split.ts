import { InputError } from "../errors.js";
import { hash32 } from "./hash.js";
import type { ImageId } from "./repository.js";

/**
 * The held-out split: which images belong to N3D-Bench and are therefore never used for training
 * QA. An image is held out when a hash of its id, read as a fraction of 2^32, is below the share.
 * The hash depends on the id alone (not on the run seed), so the QA generator and the bench
 * builder agree on the split whatever seeds they are run with, and an image keeps its side when
 * the repository grows.
 */

/** One image in ten is held out by default: enough bench images without starving training. */
export const DEFAULT_HELD_OUT_SHARE = 0.1;

/** The fraction in [0, 1) an image id hashes to (salted so other hash uses do not line up). */
export function heldOutFraction(imageId: ImageId): number {
  return hash32(`n3d-bench-split:${String(imageId)}`) / 4294967296;
}

/** Whether `imageId` is a bench (held-out) image for `share` (0 holds out nothing, 1 everything). */
export function isHeldOut(imageId: ImageId, share: number = DEFAULT_HELD_OUT_SHARE): boolean {
  checkShare(share, "isHeldOut");
  return heldOutFraction(imageId) < share;
}

/** Throw an InputError unless `share` is a number in [0, 1]. */
export function checkShare(share: number, where: string): number {
  if (!(typeof share === "number" && share >= 0 && share <= 1)) throw new InputError(where, "heldOut", share, "must be a share in [0, 1]");
  return share;
}
