/** The names of the per-file copies of the test database start with this (own-database.ts). */
export function ownDatabasePrefix(templateName: string): string {
  return `${templateName}__`;
}
