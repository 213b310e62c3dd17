import type { ImageSize, Intrinsics, Pose, Vec3 } from "../geometry/index.js";

export type { Mat3, Pose } from "../geometry/index.js";

/**
 * The synthetic world's data model. Shared by the catalog (what objects are made of), the layout
 * sampler (where they stand, where the camera is), the ray-casting renderer, and the annotator.
 *
 * Frames:
 * - WORLD: metres, +y UP (against gravity), the floor is the plane y = 0; x and z horizontal.
 * - OBJECT: an object's own frame, +y up, origin at the centre of the object's footprint on its
 *   support surface (so its parts have y >= 0); an object's pose puts it in the world.
 * - PART: a primitive's canonical frame (below); a part's pose puts it in its object's frame.
 * - CAMERA: n3d's camera frame, OpenCV (+x right, +y down, +z forward), metres.
 */

/**
 * Analytic primitives, each in its canonical PART frame, centred at the origin:
 * - box: extents `size` along x, y, z.
 * - cylinder: axis along +y, from y = -height/2 to +height/2, capped.
 * - sphere: radius.
 * - frustum: axis along +y, radius `radiusBottom` at y = -height/2 and `radiusTop` at +height/2,
 *   capped; radiusTop = 0 is a cone (apex up).
 */
export type Primitive =
  | { readonly kind: "box"; readonly size: Vec3 }
  | { readonly kind: "cylinder"; readonly radius: number; readonly height: number }
  | { readonly kind: "sphere"; readonly radius: number }
  | { readonly kind: "frustum"; readonly radiusBottom: number; readonly radiusTop: number; readonly height: number };

/** Procedural solid textures, evaluated at the hit point in the PART frame (no UV mapping). */
export type TextureKind = "plain" | "stripes" | "checker" | "noise" | "wood" | "fabric";

/** Surface appearance of a part. */
export interface Material {
  /** Base colour, sRGB 0..255. */
  readonly rgb: Vec3;
  readonly texture: TextureKind;
  /** Texture period in metres (stripe width, checker cell, noise feature size). */
  readonly textureScaleM: number;
  /** Strength of the texture's modulation of the base colour, 0..1. */
  readonly textureStrength: number;
  /** Shiny or mirror-like (screens, glass, metal): a depth sensor often returns nothing here. */
  readonly specular?: boolean;
}

/** One primitive of an object, placed in the OBJECT frame. */
export interface Part {
  readonly shape: Primitive;
  /** object_from_part. */
  readonly pose: Pose;
  readonly material: Material;
}

/** Human attributes of an object, for QA and grounding by description. */
export interface ObjectAttributes {
  /** Colour name a person would use ("red", "light brown", ...). */
  readonly color: string;
  /** Size relative to the category's range. */
  readonly size: "small" | "medium" | "large";
}

/** An object instance: category, parts, and where it stands. */
export interface SceneObject {
  /** Index in ScenePlan.objects; also the value in the renderer's object-index buffer. */
  readonly id: number;
  /** Category name a person would use ("chair", "trash can"). */
  readonly label: string;
  readonly attributes: ObjectAttributes;
  readonly parts: readonly Part[];
  /** world_from_object. Upright objects only rotate about world +y. */
  readonly pose: Pose;
  /** Axis-aligned bounds of all parts in the OBJECT frame (the object's exact oriented box). */
  readonly localBounds: { readonly min: Vec3; readonly max: Vec3 };
  /** id of the object it rests on (a mug on a table), or null for the floor. */
  readonly supportId: number | null;
}

/** An infinite plane n . p = offset (WORLD frame, unit normal pointing into the visible side). */
export interface Plane {
  readonly normal: Vec3;
  readonly offsetM: number;
  readonly material: Material;
}

/** Floor, walls and sky. */
export interface Environment {
  readonly kind: "room" | "outdoor";
  /** The floor (y = 0) and, in a room, its walls; a ray that hits none of these sees the sky. */
  readonly planes: readonly Plane[];
  /** Colour where nothing is hit (no depth there), sRGB 0..255. */
  readonly skyRgb: Vec3;
  /** Rays beyond this distance see the sky (outdoor ground fades out); metres. */
  readonly maxDepthM: number;
}

/** A pinhole camera placed in the world. */
export interface SynthCamera {
  readonly size: ImageSize;
  /** Intrinsics in pixels (n3d conventions). */
  readonly intrinsics: Intrinsics;
  /** camera_from_world: p_camera = R p_world + t. */
  readonly cameraFromWorld: Pose;
  /** Camera centre height above the floor, metres. */
  readonly heightM: number;
  /** Downward tilt of the optical axis (radians, positive looks down) and roll about it. */
  readonly pitchRad: number;
  readonly rollRad: number;
  /** Gravity direction (unit, pointing down) in the CAMERA frame. */
  readonly gravity: Vec3;
}

/** A directional light plus ambient term. */
export interface Light {
  /** Direction the light travels, WORLD frame, unit. */
  readonly direction: Vec3;
  /** Ambient share of the brightness, 0..1. */
  readonly ambient: number;
}

/** Everything needed to render and annotate one scene, fully determined by its seed. */
export interface ScenePlan {
  readonly seed: number;
  readonly environment: Environment;
  readonly objects: readonly SceneObject[];
  readonly camera: SynthCamera;
  readonly light: Light;
}

/** What the renderer returns for a plan. Per-pixel arrays are row-major H x W. */
export interface RenderedScene {
  /** sRGB, H * W * 3. */
  readonly rgb: Uint8Array;
  /** Planar depth in the camera frame, metres; 0 where the sky is seen. */
  readonly depthM: Float32Array;
  /** id of the object seen at each pixel, -1 for floor, walls or sky. */
  readonly objectIndex: Int16Array;
  /** 1 where the surface seen is specular (for sensor dropouts), else 0. */
  readonly specular: Uint8Array;
  /** Per object: pixels of the image the object covers when nothing occludes it (amodal area inside the image). */
  readonly amodalPixels: Int32Array;
}
