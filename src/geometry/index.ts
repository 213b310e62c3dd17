export type { ImageSize, Intrinsics, Vec2, Vec3 } from "./types.js";
export * from "./camera.js";
export * from "./box3d.js";
export * from "./box2d.js";
export * from "./polygon.js";
export * from "./project-box.js";
export * from "./iou3d.js";
export * from "./metrics.js";
export * from "./pose.js";
