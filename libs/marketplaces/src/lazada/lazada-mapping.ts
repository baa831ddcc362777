import { grams } from '../adapter-support';

/**
 * Lazada-style package figures (docs/marketplace-lazada.md, "Listings"): weight in kilograms,
 * dimensions in centimetres. The catalogue keeps whole grams and no dimensions.
 */

/** Whole grams as Lazada's kilograms (three decimals, so no gram is lost or invented). */
export function lazadaPackageWeightKg(weightGrams: number): number {
  return grams(weightGrams) / 1000;
}

export interface PackageDimensionsCm {
  length: number;
  width: number;
  height: number;
}

/**
 * The parcel a SKU is declared in when the catalogue gives none: Lazada requires the three figures
 * on every SKU and the catalogue has no place for them yet. The size of a tea tin or a bag of
 * vermicelli, the OCOP goods sold today (a choice, to revisit when the catalogue holds dimensions).
 */
export const LAZADA_DEFAULT_PACKAGE_CM: Readonly<PackageDimensionsCm> = { length: 20, width: 15, height: 10 };

/** Whole centimetres, at least 1: a zero dimension is refused. */
const centimetres = (value: number): number => Math.max(1, Math.round(value));

/** One SKU's package fields for /product/create. */
export function lazadaSkuPackage(
  weightGrams: number,
  dimensions: Readonly<PackageDimensionsCm> = LAZADA_DEFAULT_PACKAGE_CM,
): { package_weight: number; package_length: number; package_width: number; package_height: number } {
  return {
    package_weight: lazadaPackageWeightKg(weightGrams),
    package_length: centimetres(dimensions.length),
    package_width: centimetres(dimensions.width),
    package_height: centimetres(dimensions.height),
  };
}
