/**
 * The listing title every marketplace shows: the product's own name, and the OCOP badge while the
 * certificate is active (OCOP.md), e.g. "Chè tôm nõn Hảo Đạt · OCOP 5★".
 *
 * None of the three styles states a title limit, but real marketplaces cut long titles in search
 * results, so titles are kept to TITLE_MAX_LENGTH characters (code points). When a name is too long
 * the name is shortened with "…" and the badge stays whole: the badge is the point of the listing.
 */
export const TITLE_MAX_LENGTH = 150;

export function ocopBadge(stars: number): string {
  return `OCOP ${stars}★`;
}

export function listingTitle(name: string, ocopStars: number | null, maxLength = TITLE_MAX_LENGTH): string {
  // NFC: Vietnamese typed on some keyboards arrives decomposed; marketplaces compare and count composed text.
  const base = name.normalize('NFC').replace(/\s+/g, ' ').trim();
  // A badge alone is not a title: an empty name stays empty so the marketplace refuses it with its own message.
  if (base === '') return '';
  const suffix = ocopStars === null ? '' : ` · ${ocopBadge(ocopStars)}`;
  const room = maxLength - [...suffix].length;
  const chars = [...base];
  const shortened =
    chars.length <= room
      ? base
      : `${chars
          .slice(0, Math.max(0, room - 1))
          .join('')
          .trimEnd()}…`;
  return shortened + suffix;
}
