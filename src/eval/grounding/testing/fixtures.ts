import type { ImageSize, Intrinsics, Vec3 } from "../../../geometry/index.js";
import type { GroundingBox, GroundingRecord } from "../records.js";

/**
 * Test fixtures for eval/grounding, made by code: a 640 x 480 camera with f = 500 px (image
 * diagonal exactly 800 px) and helpers for boxes and records.
 */
export const K: Intrinsics = { fx: 500, fy: 500, cx: 320, cy: 240 };
export const SIZE: ImageSize = { width: 640, height: 480 };

/** A labelled box, yaw 0 unless given, score 1 unless given. */
export function gbox(label: string, center: Vec3, size: Vec3 = [1, 1, 1], score = 1, yaw = 0): GroundingBox {
  return { label, box: { center, size, yaw }, score };
}

/** A record on the fixture camera. */
export function record(imageId: string | number, boxes: readonly GroundingBox[]): GroundingRecord {
  return { imageId: String(imageId), size: SIZE, intrinsics: K, boxes };
}

/** The JSONL line of a record (uvz computed with K), the format readGroundingJsonl reads. */
export function jsonLine(imageId: string | number, boxes: readonly GroundingBox[], withScore = true): string {
  return JSON.stringify({
    image_id: imageId,
    width: SIZE.width,
    height: SIZE.height,
    intrinsics: K,
    boxes: boxes.map((b) => ({
      label: b.label,
      center: b.box.center,
      size: b.box.size,
      yaw: b.box.yaw,
      uvz: [(K.fx * b.box.center[0]) / b.box.center[2] + K.cx, (K.fy * b.box.center[1]) / b.box.center[2] + K.cy, b.box.center[2]],
      ...(withScore ? { score: b.score } : {}),
    })),
  });
}
