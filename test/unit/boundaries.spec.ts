// The boundary lint (`npm run lint:boundaries`, .dependency-cruiser.cjs) is only worth something if
// it fails: this suite runs the same command on a throw-away tree outside the repository, where
// each file makes one wrong import, and checks that every rule reports exactly the import it
// should; then it runs it on the real tree, which must be clean. Nothing is written into the
// repository, so a concurrent tsc or jest never sees the wrong imports.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(__dirname, '..', '..');
const configFile = join(root, '.dependency-cruiser.cjs');
const depcruise = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
// The npm script (checked below); the suite runs it with the same folders and config.
const lintScript = 'depcruise --config .dependency-cruiser.cjs --output-type err-long libs apps config';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ALLOWED } = require(configFile).boundaries as { ALLOWED: Record<string, string[]> };

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}
interface Run {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

function depcruiseIn(cwd: string, outputType: 'json' | 'err-long'): Promise<Run> {
  return new Promise((resolve, reject) => {
    const args = [depcruise, '--config', configFile, '--output-type', outputType, 'libs', 'apps', 'config'];
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (exitCode) =>
      resolve({ exitCode, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
  });
}

const shown = (violations: Violation[]) =>
  violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();

/**
 * The violations as the lint step prints them: "  error <rule>: <from> → <to>", then the rule's
 * comment; a cycle continues on the next lines ("<from> → ⏎ <to> → ⏎ … <from>").
 */
function printed(stdout: string): string[] {
  const lines = stdout.split('\n');
  return lines
    .flatMap((line, at) => {
      const match = /^\s+error (\S+): (\S+) →\s*(\S*)$/.exec(line);
      if (!match) return [];
      const to = match[3] || lines[at + 1].trim().replace(/\s*→$/, '');
      return [`${match[1]}: ${match[2]} → ${to}`];
    })
    .sort();
}

/** One wrong import per file, and the violation it must cause (or none). */
const wrongImports: { file: string; code: string; expect: string[] }[] = [
  {
    file: 'libs/marketplaces/src/wrong.ts',
    code: "import '@ocop/catalogue';",
    expect: [
      'marketplaces-imports-only-its-allowed-libs: libs/marketplaces/src/wrong.ts → libs/catalogue/src/index.ts',
    ],
  },
  {
    // A type-only import couples the contexts just the same.
    file: 'libs/marketplaces/src/wrong-type.ts',
    code: "import type { x } from '@ocop/channels';\nexport type X = typeof x;",
    expect: [
      'marketplaces-imports-only-its-allowed-libs: libs/marketplaces/src/wrong-type.ts → libs/channels/src/index.ts',
    ],
  },
  {
    file: 'libs/catalogue/src/wrong.ts',
    code: "import '@ocop/channels';\nimport '@ocop/orders';\nimport '@ocop/sync';\nimport '@ocop/metrics';",
    expect: ['channels', 'orders', 'sync', 'metrics'].map(
      (lib) =>
        `catalogue-imports-only-its-allowed-libs: libs/catalogue/src/wrong.ts → libs/${lib}/src/index.ts`,
    ),
  },
  {
    file: 'libs/common/src/wrong.ts',
    code: "import '@ocop/database';",
    expect: ['common-imports-only-its-allowed-libs: libs/common/src/wrong.ts → libs/database/src/index.ts'],
  },
  {
    file: 'libs/database/src/wrong.ts',
    code: "import '@ocop/auth';\nimport '@ocop/common';",
    expect: ['database-imports-only-its-allowed-libs: libs/database/src/wrong.ts → libs/auth/src/index.ts'],
  },
  {
    file: 'libs/ocop/src/wrong.ts',
    code: "import '@ocop/sync';\nimport '@ocop/orders';",
    expect: [
      'ocop-imports-only-its-allowed-libs: libs/ocop/src/wrong.ts → libs/sync/src/index.ts',
      'ocop-imports-only-its-allowed-libs: libs/ocop/src/wrong.ts → libs/orders/src/index.ts',
    ],
  },
  {
    // The queue plumbing knows no context: every context may enqueue, none is imported back.
    file: 'libs/jobs/src/wrong.ts',
    code: "import '@ocop/sync';\nimport '@ocop/orders';\nimport '@ocop/database';",
    expect: ['sync', 'orders'].map(
      (lib) => `jobs-imports-only-its-allowed-libs: libs/jobs/src/wrong.ts → libs/${lib}/src/index.ts`,
    ),
  },
  {
    file: 'libs/metrics/src/wrong.ts',
    code: "import '@ocop/sync';\nimport '@ocop/orders';",
    expect: ['metrics-imports-only-its-allowed-libs: libs/metrics/src/wrong.ts → libs/sync/src/index.ts'],
  },
  {
    file: 'libs/orders/src/wrong-internals.ts',
    code: "import '../../catalogue/src/products.service';",
    expect: ['lib-internals: libs/orders/src/wrong-internals.ts → libs/catalogue/src/products.service.ts'],
  },
  {
    file: 'libs/orders/src/wrong-relative.ts',
    code: "import '../../catalogue/src';",
    expect: ['lib-by-relative-path: libs/orders/src/wrong-relative.ts → libs/catalogue/src/index.ts'],
  },
  {
    file: 'apps/api/src/wrong.ts',
    code: "import '../../../libs/catalogue/src/products.service';\nimport '@ocop/catalogue';",
    expect: ['lib-internals: apps/api/src/wrong.ts → libs/catalogue/src/products.service.ts'],
  },
  {
    file: 'libs/auth/src/wrong.ts',
    code: "import '../../../apps/api/src/main';",
    expect: ['nothing-imports-apps: libs/auth/src/wrong.ts → apps/api/src/main.ts'],
  },
  {
    file: 'apps/cli/src/wrong.ts',
    code: "import '../../api/src/main';",
    expect: ['app-not-to-app: apps/cli/src/wrong.ts → apps/api/src/main.ts'],
  },
  {
    file: 'apps/marketplace-sandbox/src/wrong.ts',
    code: "import '@ocop/marketplaces';\nimport '../../../config/environment';",
    expect: [
      'sandbox-imports-no-lib: apps/marketplace-sandbox/src/wrong.ts → libs/marketplaces/src/index.ts',
    ],
  },
  {
    file: 'apps/web/src/wrong.ts',
    code: "import '../../../config/environment';",
    expect: ['web-imports-no-lib: apps/web/src/wrong.ts → config/environment.ts'],
  },
  {
    // the rating rules the web app bundles may import common's calendar-date file, nothing else
    file: 'libs/ocop/src/rules.ts',
    code: "import '../../common/src/calendar-date';\nimport '@ocop/common';",
    expect: ['shared-rules-stay-pure: libs/ocop/src/rules.ts → libs/common/src/index.ts'],
  },
  {
    // the web app's one door into a lib opens on the rating rules only
    file: 'apps/web/src/ocop-rules.ts',
    code: "import '../../../libs/ocop/src/rules';\nimport '../../../libs/ocop/src/dto';",
    expect: ['web-rules-only-the-shared-rules: apps/web/src/ocop-rules.ts → libs/ocop/src/dto.ts'],
  },
  {
    file: 'apps/web/src/wrong-rules.ts',
    code: "import '../../../libs/ocop/src/rules';",
    expect: [
      'lib-internals: apps/web/src/wrong-rules.ts → libs/ocop/src/rules.ts',
      'web-imports-no-lib: apps/web/src/wrong-rules.ts → libs/ocop/src/rules.ts',
    ],
  },
  {
    file: 'config/wrong.ts',
    code: "import '@ocop/common';",
    expect: ['config-imports-no-lib: config/wrong.ts → libs/common/src/index.ts'],
  },
  {
    file: 'libs/channels/src/wrong.ts',
    code: "import '../../../test/support/database';\nimport './listings.spec';",
    expect: [
      'production-not-to-tests: libs/channels/src/wrong.ts → test/support/database.ts',
      'production-not-to-tests: libs/channels/src/wrong.ts → libs/channels/src/listings.spec.ts',
    ],
  },
  {
    file: 'libs/marketplaces/src/wrong-fixture.ts',
    code: "import './test-content';",
    expect: [
      'test-fixtures-only-from-tests: libs/marketplaces/src/wrong-fixture.ts → libs/marketplaces/src/test-content.ts',
    ],
  },
  { file: 'libs/marketplaces/src/adapters.spec.ts', code: "import './test-content';", expect: [] },
  {
    file: 'apps/api/src/wrong-new-lib.ts',
    code: "import '@ocop/newlib';",
    expect: ['lib-not-in-boundary-table: apps/api/src/wrong-new-lib.ts → libs/newlib/src/index.ts'],
  },
  {
    file: 'libs/channels/src/cycle-a.ts',
    code: "import './cycle-b';",
    expect: ['no-circular: libs/channels/src/cycle-a.ts → libs/channels/src/cycle-b.ts'],
  },
  // dependency-cruiser reports a cycle once, at the first module it cruised.
  { file: 'libs/channels/src/cycle-b.ts', code: "import './cycle-a';", expect: [] },
  {
    file: 'libs/orders/src/wrong-alias.ts',
    code: "import '@ocop/order';",
    expect: ['not-to-unresolvable: libs/orders/src/wrong-alias.ts → @ocop/order'],
  },
];

/** The files the wrong imports point at, so that every import resolves. */
const targets = [
  ...[...Object.keys(ALLOWED), 'newlib'].map((lib) => `libs/${lib}/src/index.ts`),
  'libs/catalogue/src/products.service.ts',
  'libs/common/src/calendar-date.ts',
  'libs/ocop/src/dto.ts',
  'libs/channels/src/listings.spec.ts',
  'libs/marketplaces/src/test-content.ts',
  'apps/api/src/main.ts',
  'config/environment.ts',
  'test/support/database.ts',
];

describe('import boundaries (npm run lint:boundaries)', () => {
  let scratch: string;
  // Both runs start at once; each takes a few seconds, mostly TypeScript parsing.
  let synthetic: Promise<Run>;
  let real: Promise<Run>;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'ocop-boundaries-'));
    const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
    const paths = { ...tsconfig.compilerOptions.paths, '@ocop/newlib': ['./libs/newlib/src'] };
    const write = (file: string, code: string) => {
      mkdirSync(dirname(join(scratch, file)), { recursive: true });
      writeFileSync(join(scratch, file), code);
    };
    write('tsconfig.json', JSON.stringify({ compilerOptions: { ...tsconfig.compilerOptions, paths } }));
    for (const file of targets) write(file, 'export const x = 1;\n');
    for (const { file, code } of wrongImports) write(file, `${code}\n`);
    synthetic = depcruiseIn(scratch, 'err-long');
    real = depcruiseIn(root, 'json');
  });

  afterAll(async () => {
    await Promise.allSettled([synthetic, real]);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('reports each wrong import under its rule, with its reason, and fails the command', async () => {
    const run = await synthetic;
    const expected = wrongImports.flatMap((w) => w.expect).sort();
    expect(printed(run.stdout)).toEqual(expected);
    // The reason follows each violation (the rule's comment), and the exit code counts them.
    expect(run.stdout).toContain('libs/marketplaces may import only common');
    expect(run.exitCode).toBe(expected.length);
  });

  it(`finds the real tree clean (${lintScript})`, async () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
    expect(scripts['lint:boundaries']).toBe(lintScript);
    expect(scripts.lint).toContain('npm run lint:boundaries');
    const run = await real;
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as {
      summary: { violations: Violation[] };
    };
    expect(shown(result.summary.violations)).toEqual([]);
  });

  it('keeps the allowed arrows between libs acyclic', () => {
    const cycles: string[] = [];
    const visit = (lib: string, trail: string[]) => {
      if (trail.includes(lib)) return cycles.push([...trail.slice(trail.indexOf(lib)), lib].join(' → '));
      for (const next of ALLOWED[lib] ?? []) visit(next, [...trail, lib]);
    };
    for (const lib of Object.keys(ALLOWED)) visit(lib, []);
    expect(cycles).toEqual([]);
  });
});
