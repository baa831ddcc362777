// Each context owns its tables (docs/architecture.md, "Bounded contexts"); another context reaches
// them through the owner's exported services and repositories, never through its own SQL; a read
// model may read a view the owner publishes. This suite reads the SQL every lib and app holds
// (string and template literals, and TypeORM calls naming a table or an entity) and fails on a table
// of another context. There is no list of exceptions any more (issue 16 item 2 emptied it): SQL
// that crosses a boundary moves to the owner instead. Migrations (libs/database/src/migrations)
// create every context's tables and are not scanned.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

const root = join(__dirname, '..', '..');

/** Who owns each table; a migration that creates a table not listed here fails this suite. */
const OWNERS: Record<string, string> = {
  schema_migrations: 'database',
  idempotency_records: 'database',
  domain_events: 'database',
  api_keys: 'auth',
  users: 'auth',
  user_sessions: 'auth',
  user_invites: 'auth',
  cooperatives: 'catalogue',
  products: 'catalogue',
  skus: 'catalogue',
  stock_movements: 'catalogue',
  catalogue_imports: 'catalogue',
  ocop_assessments: 'ocop',
  connections: 'channels',
  listings: 'channels',
  shop_grants: 'channels',
  webhook_inbox: 'orders',
  orders: 'orders',
  order_lines: 'orders',
  order_polls: 'orders',
  order_status_changes: 'orders',
  sales_product_days: 'metrics',
  sales_producer_days: 'metrics',
  sales_producer_months: 'metrics',
  notifications: 'notifications',
};

/**
 * Views a context publishes for others to read (a read model rebuilt from another context's data
 * reads these, never the tables behind them); the owner keeps their columns. Not tables, so SQL
 * naming them is not a crossing.
 */
const PUBLISHED_VIEWS: Record<string, string> = {
  order_sales_lines: 'orders',
};

/** TypeORM calls whose arguments name a table (a string) or an entity (a class). */
const ORM_CALLS = new Set([
  'Entity',
  'InjectRepository',
  'forFeature',
  'getRepository',
  'createQueryBuilder',
  'from',
  'into',
  'update',
  'delete',
  'insert',
  'upsert',
  'save',
  'remove',
  'softDelete',
  'restore',
  'increment',
  'decrement',
  'find',
  'findBy',
  'findOne',
  'findOneBy',
  'findOneOrFail',
  'findOneByOrFail',
  'findAndCount',
  'findAndCountBy',
  'count',
  'countBy',
  'exists',
  'existsBy',
  'sum',
  'average',
  'minimum',
  'maximum',
  'clear',
  'leftJoin',
  'innerJoin',
  'leftJoinAndSelect',
  'innerJoinAndSelect',
  'leftJoinAndMapOne',
  'innerJoinAndMapOne',
  'leftJoinAndMapMany',
  'innerJoinAndMapMany',
]);

// A table in SQL follows one of these words, or a comma in the list of tables after FROM or
// LOCK TABLE ("FROM listings l, connections c"); a column that happens to share a table's name
// (the roll-ups' `orders` count) is not a table reference.
const TABLE_POSITION =
  /\b(?:from|join|update|into|table|truncate)\s+(?:only\s+)?"?(\w+)"?((?:\s+(?:as\s+)?\w+)?(?:\s*,\s*"?\w+"?(?:\s+(?:as\s+)?\w+)?)*)/gi;

/** The tables a piece of SQL names, in table positions. */
function tablesInSql(sql: string): string[] {
  const found = new Set<string>();
  for (const match of sql.matchAll(TABLE_POSITION)) {
    found.add(match[1].toLowerCase());
    for (const more of match[2].split(',').slice(1)) {
      const name = /^\s*"?(\w+)/.exec(more)?.[1];
      if (name) found.add(name.toLowerCase());
    }
  }
  return [...found].filter((name) => name in OWNERS);
}

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** The tables a source file names in SQL or in TypeORM calls; `entities` maps entity classes to tables. */
function tablesInSource(code: string, entities: Record<string, string>): string[] {
  const source = ts.createSourceFile('file.ts', code, ts.ScriptTarget.Latest, true);
  const found = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      tablesInSql(node.text).forEach((table) => found.add(table));
    } else if (ts.isTemplateExpression(node)) {
      const text = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' $x ');
      tablesInSql(text).forEach((table) => found.add(table));
    }
    if (ts.isCallExpression(node) && ORM_CALLS.has(calleeName(node) ?? '')) {
      const args = node.arguments.flatMap((arg) =>
        ts.isArrayLiteralExpression(arg) ? [...arg.elements] : [arg],
      );
      for (const arg of args) {
        if (ts.isStringLiteralLike(arg) && arg.text in OWNERS) found.add(arg.text);
        if (ts.isIdentifier(arg) && arg.text in entities) found.add(entities[arg.text]);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return [...found];
}

/**
 * Every TypeScript file of the production code, with its context: a lib, or an app, which owns no
 * table and goes through the contexts' services like everyone else.
 */
function productionFiles(): { file: string; context: string; code: string }[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'migrations' ? [] : walk(path);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
    });
  return ['libs', 'apps'].flatMap((folder) =>
    readdirSync(join(root, folder)).flatMap((name) =>
      walk(join(root, folder, name, 'src')).map((path) => ({
        file: relative(root, path),
        context: folder === 'libs' ? name : `${folder}/${name}`,
        code: readFileSync(path, 'utf8'),
      })),
    ),
  );
}

/** Entity classes (`@Entity('table') export class Name`) across the libs, mapped to their tables. */
function entityTables(files: { code: string }[]): Record<string, string> {
  const entities: Record<string, string> = {};
  for (const { code } of files) {
    for (const match of code.matchAll(/@Entity\(\s*'(\w+)'\s*\)\s*(?:export\s+)?class\s+(\w+)/g)) {
      entities[match[2]] = match[1];
    }
  }
  return entities;
}

describe('table ownership', () => {
  const files = productionFiles();
  const entities = entityTables(files);

  it('finds tables in SQL positions, in table lists and in TypeORM calls, not in columns', () => {
    expect(tablesInSql('UPDATE listings SET status = $2 WHERE id = $1')).toEqual(['listings']);
    expect(tablesInSql('SELECT 1 FROM listings l JOIN connections c ON c.id = l.connection_id')).toEqual([
      'listings',
      'connections',
    ]);
    expect(tablesInSql('select l.id from listings l, skus s where s.id = l.sku_id').sort()).toEqual([
      'listings',
      'skus',
    ]);
    expect(tablesInSql('LOCK TABLE sales_product_days, products IN EXCLUSIVE MODE').sort()).toEqual([
      'products',
      'sales_product_days',
    ]);
    expect(tablesInSql('INSERT INTO orders (id) VALUES ($1)')).toEqual(['orders']);
    expect(tablesInSql('DELETE FROM "stock_movements" WHERE sku_id = $1')).toEqual(['stock_movements']);
    expect(tablesInSql('SELECT revenue_vnd, orders FROM sales_producer_days WHERE orders > 0')).toEqual([
      'sales_producer_days',
    ]);
    expect(tablesInSql('The marketplace answered orders from its listings')).toEqual([]);
    expect(tablesInSql('products/:id/skus')).toEqual([]);

    const code = [
      'const q = `SELECT id FROM ${schema}.x JOIN skus s ON s.id = ${id}`;',
      "manager.getRepository(Listing).createQueryBuilder('l');",
      "qb.from('orders', 'o');",
      "@Entity('api_keys') class ApiKey {}",
      'TypeOrmModule.forFeature([Connection]);',
      "logger.warn('orders'); const header = ['cooperatives', 'orders'];",
    ].join('\n');
    expect(tablesInSource(code, { Listing: 'listings', Connection: 'connections' }).sort()).toEqual([
      'api_keys',
      'connections',
      'listings',
      'orders',
      'skus',
    ]);
  });

  it('knows the owner of every table the migrations create', () => {
    const migrations = join(root, 'libs', 'database', 'src', 'migrations');
    const created = readdirSync(migrations)
      .filter((name) => name.endsWith('.ts') && name !== 'index.ts')
      .flatMap((name) => [
        ...readFileSync(join(migrations, name), 'utf8').matchAll(
          /CREATE TABLE (?:IF NOT EXISTS )?"?(\w+)"?/gi,
        ),
      ])
      .map((match) => match[1]);
    // schema_migrations is created by TypeORM's migration runner (libs/database/src/data-source.ts).
    expect(created.filter((table) => !(table in OWNERS))).toEqual([]);
    expect(
      Object.keys(OWNERS).filter((table) => table !== 'schema_migrations' && !created.includes(table)),
    ).toEqual([]);
    // The entity classes are found (or TypeORM calls naming them would go unseen), and each has an owner.
    expect(entities).toMatchObject({ Listing: 'listings', Product: 'products', Order: 'orders' });
    expect(Object.entries(entities).filter(([, table]) => !(table in OWNERS))).toEqual([]);
  });

  it('knows the owner of every view the migrations create, and each is over its owner’s tables', () => {
    const migrations = join(root, 'libs', 'database', 'src', 'migrations');
    const views = readdirSync(migrations)
      .filter((name) => name.endsWith('.ts') && name !== 'index.ts')
      .flatMap((name) => [
        ...readFileSync(join(migrations, name), 'utf8').matchAll(
          /CREATE (?:OR REPLACE )?VIEW "?(\w+)"? AS([\s\S]*?)`/gi,
        ),
      ])
      .map((match) => ({ view: match[1], reads: tablesInSql(match[2]) }));
    expect(views.map(({ view }) => view).sort()).toEqual(Object.keys(PUBLISHED_VIEWS).sort());
    expect(
      views.flatMap(({ view, reads }) =>
        reads.filter((table) => OWNERS[table] !== PUBLISHED_VIEWS[view]).map((table) => `${view}: ${table}`),
      ),
    ).toEqual([]);
    expect(Object.keys(PUBLISHED_VIEWS).filter((view) => view in OWNERS)).toEqual([]);
  });

  it("never names another context's table", () => {
    const crossing = files.flatMap(({ file, context, code }) =>
      tablesInSource(code, entities)
        .filter((table) => OWNERS[table] !== context)
        .map((table) => `${file}: ${table} (owned by ${OWNERS[table]})`),
    );
    expect(crossing.sort()).toEqual([]);
  });
});
