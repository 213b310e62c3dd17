export type { ImageSize, Intrinsics, Vec2, Vec3 } from "./types.js";
export * from "./camera.js";
export * from "./box3d.js";
