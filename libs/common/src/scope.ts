/**
 * What a caller may see: every cooperative (`cooperativeId` undefined) or exactly one. Set by the
 * auth guard from the API key and passed to every read and write, so tenancy lives in one place.
 */
export interface Scope {
  readonly cooperativeId?: string;
}

export const EVERYTHING: Scope = Object.freeze({});
