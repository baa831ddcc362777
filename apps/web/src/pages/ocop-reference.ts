import { api, ok } from '../api';
import type { Schemas } from '../api';
import { useLoad } from '../ui';

export type OcopReference = Schemas['OcopReferenceResponse'];
let cached: Promise<OcopReference> | undefined;

/** The rating rules' figures (GET /v1/reference/ocop), fetched once per page load. */
export function useOcopReference(): { data?: OcopReference; error: unknown } {
  const loaded = useLoad(() => {
    cached ??= ok(api.GET('/v1/reference/ocop')).catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  }, []);
  return { data: loaded.data, error: loaded.error };
}

/** "UBND cấp tỉnh (Provincial People's Committee)", from the reference's own names. */
export function levelName(reference: OcopReference | undefined, level: string): string {
  const found = reference?.levels.find((l) => l.level === level);
  return found ? `${found.nameVi} (${found.name})` : level;
}
