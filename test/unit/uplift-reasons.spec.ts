import { REASONS_VI } from '../../apps/web/src/reports/uplift';
import { NO_ADJUSTMENT, reasonInVietnamese } from '../../libs/metrics/src/uplift';

/**
 * Why a certificate has no adjusted uplift is written by the API in English (`controls.reason`)
 * and shown in Vietnamese twice: in the Vietnamese spreadsheet (libs/metrics) and on the officers'
 * page (apps/web, which may not import the lib). The two must say the same for every reason.
 */
describe('reasons for no adjusted uplift', () => {
  it('the web app says each reason in Vietnamese as the spreadsheet does', () => {
    const fromLib = Object.fromEntries(Object.values(NO_ADJUSTMENT).map((r) => [r.en, r.vi]));
    expect(REASONS_VI).toEqual(fromLib);
  });

  it('a reason the lib did not write stays as it came', () => {
    expect(reasonInVietnamese(NO_ADJUSTMENT.nothingBefore.en)).toBe(NO_ADJUSTMENT.nothingBefore.vi);
    expect(reasonInVietnamese('something new')).toBe('something new');
  });
});
