/**
 * The 80 COCO detection categories in the order of the CenterNet's class channels.
 *
 * Channel k of the model's heat map (`tower_0/keypoints`, last axis) is `COCO80_LABELS[k]`. This is
 * the usual COCO-80 order (COCO's 91 category ids with the 11 unused ones dropped, names as in
 * COCO's instances JSON) and it is the order of `labels` in @vladmandic/human
 * `src/object/labels.ts`, which human indexes with the class the model's own decoding emits
 * (`tower_0/detections` column 5 = heat-map index mod 80). A test checks the list against that file.
 */
export const COCO80_LABELS: readonly string[] = Object.freeze([
  "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
  "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
  "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
  "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
  "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
  "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
  "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard",
  "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase",
  "scissors", "teddy bear", "hair drier", "toothbrush",
]);
