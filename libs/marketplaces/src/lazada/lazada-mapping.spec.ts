import { LAZADA_DEFAULT_PACKAGE_CM, lazadaPackageWeightKg, lazadaSkuPackage } from './lazada-mapping';

describe('Lazada-style package figures', () => {
  it('writes grams as kilograms without losing a gram', () => {
    expect(lazadaPackageWeightKg(500)).toBe(0.5);
    expect(lazadaPackageWeightKg(1250)).toBe(1.25);
    expect(lazadaPackageWeightKg(1)).toBe(0.001);
    expect(lazadaPackageWeightKg(99.6)).toBe(0.1);
  });

  it('declares whole centimetres, at least 1, and a small parcel when none is given', () => {
    expect(lazadaSkuPackage(250, { length: 12.4, width: 0.2, height: 30 })).toEqual({
      package_weight: 0.25,
      package_length: 12,
      package_width: 1,
      package_height: 30,
    });
    expect(lazadaSkuPackage(250)).toEqual({
      package_weight: 0.25,
      package_length: LAZADA_DEFAULT_PACKAGE_CM.length,
      package_width: LAZADA_DEFAULT_PACKAGE_CM.width,
      package_height: LAZADA_DEFAULT_PACKAGE_CM.height,
    });
  });
});
