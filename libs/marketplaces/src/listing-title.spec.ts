import { listingTitle, TITLE_MAX_LENGTH } from './listing-title';

describe('listingTitle', () => {
  it('adds the OCOP badge while a certificate is active', () => {
    expect(listingTitle('Chè tôm nõn Hảo Đạt', 5)).toBe('Chè tôm nõn Hảo Đạt · OCOP 5★');
    expect(listingTitle('Mật ong bạc hà', 3)).toBe('Mật ong bạc hà · OCOP 3★');
  });

  it('shows the bare name without a certificate', () => {
    expect(listingTitle('Chè tôm nõn Hảo Đạt', null)).toBe('Chè tôm nõn Hảo Đạt');
  });

  it('composes decomposed Vietnamese and tidies spaces', () => {
    const decomposed = 'Che\u0300  to\u0302m '.normalize('NFD');
    expect(listingTitle(decomposed, null)).toBe('Chè tôm');
    expect(listingTitle(decomposed, null)).toBe('Chè tôm'.normalize('NFC'));
  });

  it('never sends a badge alone for an empty name, so the marketplace refuses it', () => {
    expect(listingTitle('   ', 4)).toBe('');
  });

  it('shortens a long name and keeps the badge whole within the limit', () => {
    const name = 'Chè '.repeat(100);
    const title = listingTitle(name, 4);
    expect([...title].length).toBeLessThanOrEqual(TITLE_MAX_LENGTH);
    expect(title.endsWith('… · OCOP 4★')).toBe(true);
    expect([...listingTitle(name, null)].length).toBe(TITLE_MAX_LENGTH);
  });

  it('counts characters, not UTF-16 units', () => {
    const name = '𝓐'.repeat(20);
    const title = listingTitle(name, null, 10);
    expect([...title]).toHaveLength(10);
    expect(title.endsWith('…')).toBe(true);
  });
});
