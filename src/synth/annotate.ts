import { InputError } from "../errors.js";
import {
  composePoses,
  DEFAULT_NEAR_M,
  enclosingYawBox,
  imageBox2D,
  orientedBoxFromPose,
  projectOrientedBox,
  type Box2D,
  type Mat3,
  type Vec3,
} from "../geometry/index.js";
import { encodeLabelRles, rleArea, rleToBbox, toN3dJson, type CompressedRle, type N3dBoxJson } from "../formats/index.js";
import type { ObjectAttributes, RenderedScene, ScenePlan } from "./types.js";

/** Ground truth for one object of a synthetic scene, everything in the CAMERA frame or in pixels. */
export interface SceneAnnotation {
  /** The object's id (index in ScenePlan.objects, value in the object-index buffer). */
  readonly id: number;
  readonly label: string;
  readonly attributes: ObjectAttributes;
  /** id of the object it rests on, or null for the floor. */
  readonly supportId: number | null;
  /**
   * The amodal 3D box in n3d's JSON form: the tightest camera-aligned, yawed box enclosing the
   * object's exact oriented box ({@link enclosingYawBox}); equal to it when the camera is neither
   * pitched nor rolled. null only when that box's centre is not in front of the camera (z <= 0),
   * where n3d's uvz form has no pixel.
   */
  readonly bbox3d: N3dBoxJson | null;
  /** The object's exact oriented box (its local bounds placed by cameraFromObject). */
  readonly obb: {
    readonly center: Vec3;
    readonly size: Vec3;
    /** Row-major 3x3, mapping the object's axes to the camera frame. */
    readonly rotation: Mat3;
  };
  /** The VISIBLE pixels (those the object-index buffer gives to this object), COCO RLE. */
  readonly mask: CompressedRle;
  /**
   * Modal 2D box, COCO [x, y, w, h] in whole pixels: x, y the first visible column and row, w, h
   * the numbers of columns and rows spanned (x_max - x_min + 1), i.e. exactly rleToBbox(mask).
   * [0, 0, 0, 0] when nothing is visible.
   */
  readonly bbox2d: readonly [number, number, number, number];
  /**
   * Amodal 2D box [x1, y1, x2, y2] in n3d's continuous pixel convention (pixel centres at
   * integers, see geometry/box2d.ts): the projection of the oriented box, clipped to the near
   * plane, NOT clipped to the image (it may extend past it). null when the box lies wholly behind
   * the near plane.
   */
  readonly bbox2dAmodal: readonly [number, number, number, number] | null;
  /** Pixels showing the object. */
  readonly visiblePixels: number;
  /** Pixels of the image the object would cover with nothing in front of it (from the renderer). */
  readonly amodalPixels: number;
  /** visiblePixels / amodalPixels, in [0, 1]; 0 when amodalPixels is 0. */
  readonly visibleFraction: number;
  /** visiblePixels > 0. */
  readonly visible: boolean;
  /**
   * The amodal 2D box reaches outside the image area [-0.5, W - 0.5] x [-0.5, H - 0.5]: the image
   * border cuts the object (or the object lies wholly outside the view). false when bbox2dAmodal is
   * null.
   */
  readonly truncated: boolean;
}

/** Options of {@link annotateScene}. */
export interface AnnotateOptions {
  /** Near plane for the amodal 2D box, metres (default geometry's DEFAULT_NEAR_M, 1 cm). */
  readonly nearM?: number;
}

/**
 * Annotate a rendered scene: one {@link SceneAnnotation} per object of the plan, in plan order.
 *
 * 3D truth comes from the plan (cameraFromWorld composed with the object's worldFromObject, applied
 * to its exact local bounds); 2D visibility from the renderer's object-index buffer; amodal pixel
 * counts from the renderer. Throws an InputError when the rendered buffers do not match the
 * camera's size or the plan's objects.
 */
export function annotateScene(plan: ScenePlan, rendered: RenderedScene, options: AnnotateOptions = {}): SceneAnnotation[] {
  const where = "annotateScene";
  const { size, intrinsics: K, cameraFromWorld } = plan.camera;
  const n = size.width * size.height;
  if (rendered.objectIndex.length !== n) {
    throw new InputError(where, "rendered.objectIndex length", rendered.objectIndex.length, `expected ${size.width}x${size.height} = ${n}`);
  }
  plan.objects.forEach((o, i) => {
    if (!Number.isInteger(o.id) || o.id < 0 || o.id >= rendered.amodalPixels.length) {
      throw new InputError(where, `plan.objects[${i}].id`, o.id, `must index rendered.amodalPixels (length ${rendered.amodalPixels.length})`);
    }
  });

  const ids = plan.objects.map((o) => o.id);
  const masks = encodeLabelRles(rendered.objectIndex, size, ids);
  const image = imageBox2D(size);
  const nearM = options.nearM ?? DEFAULT_NEAR_M;

  return plan.objects.map((object, i): SceneAnnotation => {
    const mask = masks[i]!;
    const visiblePixels = rleArea(mask, where);
    const amodalPixels = rendered.amodalPixels[object.id]!;
    if (visiblePixels > amodalPixels) {
      throw new InputError(where, `rendered.amodalPixels[${object.id}]`, amodalPixels, `is less than the ${visiblePixels} pixels where object ${object.id} is visible`);
    }
    const obb = orientedBoxFromPose(composePoses(cameraFromWorld, object.pose), object.localBounds.min, object.localBounds.max);
    const box = enclosingYawBox(obb);
    const amodal = projectOrientedBox(K, obb, { nearM });
    return {
      id: object.id,
      label: object.label,
      attributes: object.attributes,
      supportId: object.supportId,
      bbox3d: box.center[2] > 0 ? toN3dJson({ label: object.label, box }, K) : null,
      obb: { center: obb.center, size: obb.size, rotation: obb.rotation },
      mask,
      bbox2d: rleToBbox(mask, where),
      bbox2dAmodal: amodal === null ? null : [amodal.x1, amodal.y1, amodal.x2, amodal.y2],
      visiblePixels,
      amodalPixels,
      visibleFraction: amodalPixels > 0 ? visiblePixels / amodalPixels : 0,
      visible: visiblePixels > 0,
      truncated: amodal !== null && reachesOutside(amodal, image),
    };
  });
}

function reachesOutside(box: Box2D, image: Box2D): boolean {
  return box.x1 < image.x1 || box.y1 < image.y1 || box.x2 > image.x2 || box.y2 > image.y2;
}
