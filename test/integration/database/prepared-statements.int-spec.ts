import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../libs/database/src/data-source';

/**
 * The pool's clients send a statement repeated with parameters as a named prepared statement:
 * PostgreSQL itself lists it for the session, and the answers are those of the unnamed statement.
 */
describe('prepared statements through the pool', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(process.env.DATABASE_URL as string)).initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  it('prepares a statement sent twice, once per connection, with the same answers', async () => {
    const runner = dataSource.createQueryRunner();
    try {
      const text = `SELECT $1::int + 1 AS next /* prepared-statements spec */`;
      const answers = [];
      for (const n of [1, 2, 3]) answers.push(await runner.query(text, [n]));
      expect(answers).toEqual([[{ next: 2 }], [{ next: 3 }], [{ next: 4 }]]);
      const prepared: { statement: string }[] = await runner.query(
        `SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%prepared-statements spec%'`,
      );
      expect(prepared).toEqual([{ statement: text }]);
      // an error in a prepared statement is the statement's, and the connection goes on
      await expect(runner.query(text, ['not a number'])).rejects.toThrow(/invalid input syntax/);
      expect(await runner.query(text, [41])).toEqual([{ next: 42 }]);
    } finally {
      await runner.release();
    }
  });

  it('leaves statements without parameters unnamed', async () => {
    const runner = dataSource.createQueryRunner();
    try {
      for (let i = 0; i < 3; i++) await runner.query(`SELECT 1 AS one /* unparameterised spec */`);
      const prepared: unknown[] = await runner.query(
        `SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%unparameterised spec%' AND statement NOT LIKE '%pg_prepared%'`,
      );
      expect(prepared).toEqual([]);
    } finally {
      await runner.release();
    }
  });
});
