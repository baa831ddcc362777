// SQL lives in repositories (docs/architecture.md, "Bounded contexts"): a context's `*.repository.ts`
// files hold its statements, its services hold the decisions and call them. This suite reads every
// other file of every context (the TypeScript syntax tree, not text, so a comment or a log message
// does not count) and fails on what only a repository may do: run a statement, build a query, take
// a TypeORM repository or data source, call the entity manager's reads and writes, or hold SQL
// text. Passing a manager along to a repository (a transaction) is allowed. libs/database is the
// repository layer's own machinery (transactions, keyset pages, idempotency records, the outbox)
// and entities and migrations describe tables; none of them is scanned. There is no list of
// exceptions: SQL found elsewhere moves to a repository.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

const root = join(__dirname, '..', '..');

/** What a service may not call on an entity manager or data source (it passes them on instead). */
const MANAGER_CALLS = new Set([
  'query',
  'createQueryBuilder',
  'getRepository',
  'find',
  'findBy',
  'findOne',
  'findOneBy',
  'findOneOrFail',
  'findOneByOrFail',
  'findAndCount',
  'count',
  'countBy',
  'exists',
  'existsBy',
  'save',
  'insert',
  'update',
  'upsert',
  'delete',
  'remove',
  'softDelete',
  'increment',
  'decrement',
  'create',
  'merge',
  'preload',
]);
/** Calls that are SQL whatever they are called on. */
const ALWAYS_SQL = new Set(['query', 'createQueryBuilder', 'getRepository']);
const INJECTIONS = new Set(['InjectRepository', 'InjectDataSource', 'InjectEntityManager']);
/** Text that starts a statement (after leading space), as it does in every statement we write. */
const SQL_TEXT =
  /^\s*(SELECT\b[\s\S]*\bFROM\b|INSERT\s+INTO\b|UPDATE\s+[a-z_"]+\s+SET\b|DELETE\s+FROM\b|WITH\s+[a-z_]+\s+AS\s*\(|LOCK\s+TABLE\b)/i;

/** A receiver that is an entity manager or a data source: `manager`, `this.dataSource`, `x.manager`. */
function isManager(expression: ts.Expression): boolean {
  const name = ts.isPropertyAccessExpression(expression)
    ? expression.name.text
    : ts.isIdentifier(expression)
      ? expression.text
      : '';
  return /(^|[a-z])(manager|Manager|dataSource|DataSource)$/.test(name) || name === 'manager';
}

/** Every place in one file's source that only a repository may hold, as "line: what". */
function sqlOutsideRepositories(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) =>
    found.push(`${fileName}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${what}`);
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isPropertyAccessExpression(callee)) {
        const method = callee.name.text;
        if (ALWAYS_SQL.has(method)) at(node, `.${method}()`);
        else if (MANAGER_CALLS.has(method) && isManager(callee.expression)) {
          at(node, `${callee.expression.getText(file)}.${method}()`);
        }
      } else if (ts.isIdentifier(callee) && INJECTIONS.has(callee.text)) {
        at(node, `@${callee.text}()`);
      }
    }
    if (ts.isTypeReferenceNode(node) && node.typeName.getText(file) === 'Repository') {
      at(node, 'a TypeORM Repository');
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (SQL_TEXT.test(node.text)) at(node, `SQL text "${node.text.trim().slice(0, 40)}…"`);
    }
    if (ts.isTemplateExpression(node) && SQL_TEXT.test(node.head.text)) {
      at(node, `SQL text "${node.head.text.trim().slice(0, 40)}…"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function contextFiles(): string[] {
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files.push(path);
    }
  };
  for (const lib of readdirSync(join(root, 'libs'))) {
    if (lib === 'database') continue;
    walk(join(root, 'libs', lib, 'src'));
  }
  return files
    .map((path) => relative(root, path))
    .filter(
      (path) =>
        !path.endsWith('.repository.ts') &&
        !path.endsWith('.spec.ts') &&
        !/(^|\/)(entities|[a-z-]+\.entity|[a-z-]+\.entities)\.ts$/.test(path),
    );
}

describe('SQL lives in repositories', () => {
  it('finds no statement, query builder, TypeORM repository or manager call outside *.repository.ts', () => {
    const files = contextFiles();
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((path) =>
      sqlOutsideRepositories(path, readFileSync(join(root, path), 'utf8')),
    );
    expect(found).toEqual([]);
  });

  it.each([
    ['a raw statement', `await this.dataSource.query('SELECT 1');`, '.query()'],
    ['a query builder', `await this.products.createQueryBuilder('p').getMany();`, '.createQueryBuilder()'],
    ['an entity manager read', `const sku = await manager.findOneBy(Sku, { id });`, 'manager.findOneBy()'],
    [
      'a write through the data source',
      `await this.dataSource.manager.save(row);`,
      'this.dataSource.manager.save()',
    ],
    [
      'an injected repository',
      `class S { constructor(@InjectRepository(Sku) private readonly skus: Repository<Sku>) {} }`,
      '@InjectRepository()',
    ],
    ['SQL text', 'const sql = `UPDATE listings SET lag = 0 WHERE id = ${id}`;', 'SQL text'],
    ['SQL in a plain string', `const sql = '  delete from orders where id = $1';`, 'SQL text'],
  ])('reports %s', (_what, source, expected) => {
    const found = sqlOutsideRepositories('libs/example/src/example.service.ts', source);
    expect(found.join('\n')).toContain(expected);
  });

  it.each([
    ['passing a manager to a repository', `await this.store.add(manager, row);`],
    ['an array find', `const first = items.find((i) => i.id === id);`],
    ['a hash update', `createHash('sha256').update(token).digest();`],
    ['a service named like a table', `await this.orders.update(id, change);`],
    ['prose that mentions SQL words', `throw new Conflict('Select another shop: this one is taken');`],
  ])('allows %s', (_what, source) => {
    expect(sqlOutsideRepositories('libs/example/src/example.service.ts', source)).toEqual([]);
  });
});
