import { InputError } from "../errors.js";
import { readImage } from "../rgbd/index.js";
import type { RGBDFrame } from "../rgbd/index.js";
import { readOfficialPointMapNpz } from "./moge-npz.js";
import type { OfficialPointMap } from "./moge-npz.js";

/** An RGB-D frame made from an image and an official point-map .npz, with the point map kept. */
export interface OfficialFrame {
  readonly frame: RGBDFrame;
  readonly pointMap: OfficialPointMap;
}

/**
 * Load an image and its official N3D-VLM / MoGe point map (.npz) as one frame in our conventions:
 * depth is the point map's z, intrinsics come from its normalized `intr`, points are kept in our
 * frame. The image must have the point map's size: the release makes the point map from the
 * image resized so its long side is 640, so that is the image to pass.
 */
export async function loadOfficialFrame(imagePath: string, npzPath: string, options: { maxPixels?: number } = {}): Promise<OfficialFrame> {
  const pointMap = await readOfficialPointMapNpz(npzPath);
  const image = await readImage(imagePath, options.maxPixels === undefined ? {} : { maxPixels: options.maxPixels });
  const a = image.size;
  const b = pointMap.size;
  if (a.width !== b.width || a.height !== b.height) {
    throw new InputError(
      imagePath,
      "size",
      `${a.width}x${a.height}`,
      `does not match the point map ${npzPath} (${b.width}x${b.height}); the release builds the point map from the image resized to long side 640`,
    );
  }
  const frame: RGBDFrame = {
    size: image.size,
    rgb: image.rgb,
    depthM: pointMap.depthM,
    intrinsics: pointMap.intrinsics,
    validMask: pointMap.valid,
    pointsM: pointMap.pointsM,
  };
  return { frame, pointMap };
}
