import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * TypeORM logger that counts the statements a process sends. It prints nothing itself (request
 * logs carry the story); a query error still surfaces through the error it throws.
 */
export class QueryCounter implements TypeOrmLogger {
  private count = 0;

  get queries(): number {
    return this.count;
  }

  logQuery(): void {
    this.count += 1;
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
