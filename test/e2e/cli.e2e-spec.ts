import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { dropDatabase } from '../support/database';

const ROOT = join(__dirname, '..', '..');

/** The built CLI as an operator runs it from the project folder (`npm test` builds dist/ first). */
function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/apps/cli/src/main.js', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out }));
  });
}

describe('the CLI', () => {
  // a database the CLI itself creates, so migrate's "create if missing" is exercised too
  const url = (process.env.DATABASE_URL as string).replace(/\/([^/]+)$/, '/$1_cli');

  beforeAll(() => dropDatabase(url));
  afterAll(() => dropDatabase(url));

  it('--help names the path it runs from, lists every command and exits 0', async () => {
    const { code, out } = await cli(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: node dist/apps/cli/src/main.js [options] [command]');
    for (const name of ['migrate', 'seed', 'demo', 'start', 'rebuild-metrics']) expect(out).toContain(name);
  });

  it('answers an unknown command with exit code 2 and the help', async () => {
    const { code, out } = await cli(['seeed']);
    expect(code).toBe(2);
    expect(out).toContain("unknown command 'seeed'");
    expect(out).toContain('Usage: node dist/apps/cli/src/main.js');
  });

  it('migrate creates the database, and rebuild-metrics prints a line per roll-up as it goes', async () => {
    const first = await cli(['migrate'], { DATABASE_URL: url });
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^Migrations applied: Foundation\d+/m);
    const again = await cli(['migrate'], { DATABASE_URL: url });
    expect(again.out).toContain('Database schema is up to date.');

    const { code, out } = await cli(['rebuild-metrics'], { DATABASE_URL: url });
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toEqual([
      'Database schema is up to date.',
      'Rebuilding the sales roll-ups from the orders in one transaction…',
      expect.stringMatching(/^ {2}product-days \(old roll-ups cleared first\): 0 rows in \d+\.\d s$/),
      expect.stringMatching(/^ {2}producer-days: 0 rows in \d+\.\d s$/),
      expect.stringMatching(/^ {2}producer-months: 0 rows in \d+\.\d s$/),
      'Sales roll-ups rebuilt from the orders: 0 producer-days, 0 producer-months, 0 product-days.',
    ]);
  });
});
