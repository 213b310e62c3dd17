// PLACEHOLDER (issue 4 contract): the detect helper replaces this file.
import type { Detector } from "./types.js";
export type * from "./types.js";

/** The COCO-80 CenterNet shipped inside @vladmandic/human, on tfjs's wasm backend. */
export async function loadCenterNet(_options: { readonly threads?: number } = {}): Promise<Detector> {
  throw new Error("loadCenterNet: not implemented yet");
}
