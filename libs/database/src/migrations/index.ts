import { Foundation1764300000000 } from './1764300000000-foundation';

/** Every migration, in order. A new one is appended here and never edited once released. */
export const migrations = [Foundation1764300000000];
