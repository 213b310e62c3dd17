import { readOfficialPointMapNpz } from "../formats/index.js";
import { checkSameSize, requireDepthPath, validateRequest } from "./request.js";
import type { DepthBackend, DepthRequest, DepthResult } from "./types.js";

/**
 * The "npz" source: the official N3D-VLM / MoGe point map (.npz with `pcd` and normalized `intr`,
 * reference/FORMATS.md §2), one per image, named by the dataset's depth_file. formats/ converts it
 * to our camera frame (x-right, y-down); depth is the point map's z (0 where invalid), the points
 * are kept, and the intrinsics are the file's normalized `intr` scaled to the image size
 * (source "npz"): the point map defines the camera, so dataset intrinsics are not used. The
 * point map must have the image's size (the release makes it from the image resized to long
 * side 640, so that resized image is the one to annotate).
 */
export function createNpzBackend(): DepthBackend {
  return {
    name: "npz",
    depthFor: npzDepth,
    dispose: async () => {},
  };
}

async function npzDepth(request: DepthRequest): Promise<DepthResult> {
  validateRequest(request, "npz");
  const path = requireDepthPath(request, "npz", "a point-map .npz (depth_file)");
  const map = await readOfficialPointMapNpz(path);
  checkSameSize(map.size, request, path);
  return {
    size: map.size,
    depthM: map.depthM,
    intrinsics: map.intrinsics,
    intrinsicsSource: "npz",
    pointsM: map.pointsM,
    ...(request.gravity === undefined ? {} : { gravity: request.gravity }),
    source: "npz",
    metric: true,
  };
}
