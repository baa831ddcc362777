/**
 * The OCOP rating rules the API applies (libs/ocop/src/rules.ts), bundled here so the assessment
 * form shows the total, stars and council level the API will compute — the same code, not a copy.
 * The only import of a lib in the web app (.dependency-cruiser.cjs, docs/web-app.md).
 */
export {
  certifies,
  recognisingLevel,
  scoreTotal,
  starsFor,
  validUntil,
  type Level,
  type OcopRules,
  type Parts,
  type ScorePart,
} from '../../../libs/ocop/src/rules';
