// formats/: the box languages and external file layouts n3d reads and writes. The official
// N3D-VLM frame (x-left, y-up) is converted to ours (OpenCV) here and nowhere else.
export {
  box3DFromOfficialFrame,
  box3DToOfficialFrame,
  officialAngleFromYaw,
  pointFromOfficial,
  pointMapFromOfficial,
  pointMapToOfficial,
  pointToOfficial,
  yawFromOfficialAngle,
  type OfficialFrameBox,
} from "./official-frame.js";
export {
  fromN3dJson,
  N3D_UVZ_DEPTH_TOLERANCE_M,
  N3D_UVZ_TOLERANCE_PX,
  N3dBoxJsonSchema,
  parseN3dBoxesJson,
  serializeN3dBoxesJson,
  toN3dJson,
  type N3dBox,
  type N3dBoxJson,
} from "./n3d-box.js";
export { BBOX_FLOAT_DIGITS, formatBboxNumber, parseBboxLines, serializeBboxLines, type BboxRecord } from "./bbox-lines.js";
export {
  computeSceneNormalization,
  dequantizeAngle,
  dequantizeDepth,
  dequantizeSize,
  dequantizeUV,
  OFFICIAL_ANGLE_MAX,
  OFFICIAL_ANGLE_MIN,
  OFFICIAL_NUM_BINS,
  OFFICIAL_SCALE_MAX,
  OFFICIAL_WORLD_MAX,
  quantizeAngle,
  quantizeDepth,
  quantizeSize,
  quantizeUV,
  type Quantized,
  type SceneNormalization,
} from "./scene-normalization.js";
export {
  box3DToOfficial,
  officialToBox3D,
  type DecodedOfficialBox,
  type EncodedBboxRecord,
  type OfficialBoxOptions,
  type OfficialField,
  type OfficialForm,
} from "./official-box.js";
export {
  officialPointMapArrays,
  readOfficialPointMapNpz,
  writeOfficialPointMapNpz,
  type OfficialPointMap,
  type OfficialPointMapInput,
} from "./moge-npz.js";
export { detectOfficialForm, parseBoxesText, type BoxesTextContext, type OfficialFormChoice } from "./boxes-text.js";
export { loadOfficialFrame, type OfficialFrame } from "./moge-frame.js";
export {
  decodeRle,
  encodeLabelRles,
  encodeRle,
  rleArea,
  rleCountsFromString,
  rleCountsToString,
  rleToBbox,
  type CocoRle,
  type CompressedRle,
  type MaskSize,
  type UncompressedRle,
} from "./coco-rle.js";
export {
  annotationRegion,
  BOX_TOLERANCE_PX,
  clearAnnotationMask,
  DATASET_SKIP_REASONS,
  decodeRleInto,
  idKey,
  parseCocoDataset,
  parseCocoDatasetText,
  rasterizePolygonsInto,
  type AnnotatedDataset,
  type AnnotationRegion,
  type DatasetAnnotation,
  type DatasetBox,
  type DatasetCategory,
  type DatasetId,
  type DatasetImage,
  type DatasetSegmentation,
  type DatasetSkip,
  type DatasetSkipReason,
} from "./coco-dataset.js";
export { parseCsv, parseOpenImagesBoxes, parseOpenImagesClasses, type OpenImagesOptions } from "./openimages-csv.js";
