import { InputError } from "../errors.js";
import { validateImageSize } from "../geometry/index.js";
import type { ImageSize } from "../geometry/index.js";
import type { DepthRequest } from "./types.js";

/** Check the parts of a request every back end relies on: a path and a valid size. */
export function validateRequest(request: DepthRequest, backend: string): DepthRequest {
  if (typeof request?.imagePath !== "string" || request.imagePath === "") {
    throw new InputError(backend, "imagePath", request?.imagePath, "a depth request needs the image path");
  }
  validateImageSize(request.size, request.imagePath);
  return request;
}

/** The depth file of a request, or an InputError saying the source needs one. */
export function requireDepthPath(request: DepthRequest, backend: string, what: string): string {
  if (typeof request.depthPath !== "string" || request.depthPath === "") {
    throw new InputError(request.imagePath, "depth_file", request.depthPath, `the ${backend} depth source needs ${what} for every image`);
  }
  return request.depthPath;
}

/** Throw an InputError naming both files unless a depth source's size equals the image's. */
export function checkSameSize(found: ImageSize, request: DepthRequest, depthPath: string): void {
  const want = request.size;
  if (found.width !== want.width || found.height !== want.height) {
    throw new InputError(
      depthPath,
      "size",
      `${found.width}x${found.height}`,
      `does not match the image ${request.imagePath} (${want.width}x${want.height}); depth must be pixel-aligned with its image`,
    );
  }
}
