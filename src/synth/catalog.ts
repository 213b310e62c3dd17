import { InputError } from "../errors.js";
import type { Rng } from "../random.js";
import type { Aabb } from "./catalog/bounds.js";
import { aabbSize } from "./catalog/bounds.js";
import type { BuiltObject, Category } from "./catalog/category.js";
import { floorLamp, lamp, laptop, monitor, tv } from "./catalog/electronics.js";
import { bed, bench, bookshelf, cabinet, chair, desk, door, nightstand, sofa, stool, table, toilet } from "./catalog/furniture.js";
import { backpack, ball, book, bottle, box, mug, plant, suitcase, trashCan, vase } from "./catalog/household.js";
import { bicycle, car, fireHydrant, person, trafficCone, tree } from "./catalog/outdoor.js";
import type { ColorName } from "./materials.js";
import type { ObjectAttributes } from "./types.js";

export type { Aabb } from "./catalog/bounds.js";
export { aabbSize, partBounds, partsBounds, primitiveBounds } from "./catalog/bounds.js";
export type { BuildContext, BuiltObject, Category, Placement, Setting, SupportTop } from "./catalog/category.js";

/**
 * The object catalog: every category the synthetic world can place, by the name a person would
 * use ("chair", "trash can"). Each entry knows its real-world size range, where it stands, whether
 * it carries other objects, where it is found and which colours it comes in, and builds instances
 * from primitives (see catalog/category.ts).
 */
const ALL: readonly Category[] = [
  // Furniture
  chair, stool, table, desk, sofa, bed, cabinet, nightstand, bookshelf, bench, door, toilet,
  // Screens and lamps
  monitor, tv, laptop, lamp, floorLamp,
  // Small and portable things
  mug, bottle, book, box, ball, vase, plant, trashCan, suitcase, backpack,
  // Street things and people
  car, bicycle, person, trafficCone, fireHydrant, tree,
];

/** Registry: category name -> category. */
export const CATEGORIES: Readonly<Record<string, Category>> = Object.fromEntries(ALL.map((c) => [c.name, c]));
if (Object.keys(CATEGORIES).length !== ALL.length) throw new Error("catalog: two categories share a name");

/** All category names, sorted (stable ids for datasets: 1-based position in this list). */
export const CATEGORY_NAMES: readonly string[] = Object.keys(CATEGORIES).sort();

/** The category called `name`; throws "X is not a supported category; choose one of ...". */
export function getCategory(name: string): Category {
  const category = Object.prototype.hasOwnProperty.call(CATEGORIES, name) ? CATEGORIES[name] : undefined;
  if (!category) {
    throw new InputError("getCategory", "category", name, `is not a supported category; choose one of ${CATEGORY_NAMES.join(", ")}`);
  }
  return category;
}

/**
 * Size class of an instance: where the cube root of its bounds' volume falls between those of the
 * category's smallest and largest extents, in thirds.
 */
export function sizeClassOf(category: Category, bounds: Aabb): ObjectAttributes["size"] {
  const cube = (v: readonly number[]): number => Math.cbrt(v[0]! * v[1]! * v[2]!);
  const lo = cube(category.extentsM.min);
  const hi = cube(category.extentsM.max);
  const t = hi > lo ? (cube(aabbSize(bounds)) - lo) / (hi - lo) : 0.5;
  return t < 1 / 3 ? "small" : t < 2 / 3 ? "medium" : "large";
}

/** A built instance with its label and human attributes. */
export interface CatalogObject extends BuiltObject {
  readonly label: string;
  readonly attributes: ObjectAttributes;
}

/** Choices {@link buildObject} makes at random unless given. */
export interface BuildObjectOptions {
  /** Position in the category's size range, [0, 1]; default uniform. */
  readonly sizeFactor?: number;
  /** Main colour; default one of the category's colours, uniformly. */
  readonly color?: ColorName;
}

/**
 * Build an instance of category `name`, drawing (in this order) its colour, its size factor and
 * its shape from `rng`, and derive its attributes (colour name, size class).
 */
export function buildObject(name: string, rng: Rng, options: BuildObjectOptions = {}): CatalogObject {
  const category = getCategory(name);
  const color = options.color ?? category.colors[rng.int(category.colors.length)]!;
  const sizeFactor = options.sizeFactor ?? rng.next();
  const built = category.build(rng, sizeFactor, color);
  return { ...built, label: category.name, attributes: { color, size: sizeClassOf(category, built.localBounds) } };
}
