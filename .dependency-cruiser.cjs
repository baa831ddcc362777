// The import boundaries between the contexts in libs/ and the processes in apps/, checked by
// `npm run lint:boundaries` (part of `npm run lint`, so CI fails on a violation). The rules are in
// docs/architecture.md ("Bounded contexts") and docs/development.md ("Boundaries"); the test that
// shows each rule failing on a wrong import is test/unit/boundaries.spec.ts.
//
// To let a lib import another one, add the arrow to ALLOWED below — but the arrow must keep the
// table acyclic (the test checks), and the architecture must say so.

/**
 * What each lib may import of ours: other libs by name (always through `@ocop/<lib>`, the lib's
 * src/index.ts) and `config` (config/, the settings schema and reference data). Taken from the
 * import graph as it is and from the architecture's context table; everything else is forbidden.
 */
const ALLOWED = {
  common: ['config'],
  database: ['common'],
  // The adapters are the edge: they know the marketplaces and nothing of the connector but common
  // and the settings (config/marketplace-origins.ts: which marketplaces exist, where they may be called).
  marketplaces: ['common', 'config'],
  auth: ['common', 'database', 'config', 'jobs'],
  catalogue: ['auth', 'common', 'database', 'config', 'jobs'],
  ocop: ['auth', 'catalogue', 'common', 'database', 'config', 'jobs'],
  channels: ['auth', 'catalogue', 'common', 'database', 'marketplaces', 'config', 'jobs'],
  sync: ['channels', 'common', 'database', 'marketplaces', 'config', 'jobs'],
  orders: ['auth', 'catalogue', 'channels', 'common', 'database', 'marketplaces', 'config', 'jobs'],
  // A read model: it reads what orders, ocop and catalogue export, and nobody imports it back.
  metrics: ['auth', 'catalogue', 'common', 'database', 'marketplaces', 'ocop', 'orders', 'config', 'jobs'],
  // Notices to people: it hears what channels, orders and ocop publish, reads their people
  // through auth and names things through catalogue; nobody imports it back (the apps load it).
  notifications: [
    'auth',
    'catalogue',
    'channels',
    'common',
    'database',
    'marketplaces',
    'ocop',
    'orders',
    'config',
    'jobs',
  ],
  // The queue plumbing (queue names, the queue module, Redis, recurring schedules, backoff, the
  // metric helper, the retention sweep): every context may use it, and it knows no context.
  jobs: ['common', 'database', 'config'],
};

const LIBS = Object.keys(ALLOWED);

// The one piece of a lib the browser runs: the OCOP rating rules, bundled into the web app through
// apps/web/src/ocop-rules.ts so the assessment form computes total, stars and level by the API's
// own rules instead of a copy that could drift (docs/web-app.md, "Shared rules"). Both ends are
// named exactly, and each may import only the other side of the arrow.
const SHARED_RULES = '^libs/ocop/src/rules\\.ts$';
const SHARED_RULES_IMPORTS = '^libs/common/src/calendar-date\\.ts$';
const WEB_RULES = '^apps/web/src/ocop-rules\\.ts$';
const folder = (name) => (name === 'config' ? '^config/' : `^libs/${name}/`);
const anyOf = (names) =>
  `^(${names.map((name) => (name === 'config' ? 'config' : `libs/${name}`)).join('|')})/`;

function arrowRules() {
  return LIBS.flatMap((lib) => {
    const forbidden = [...LIBS, 'config'].filter((name) => name !== lib && !ALLOWED[lib].includes(name));
    if (forbidden.length === 0) return [];
    return [
      {
        name: `${lib}-imports-only-its-allowed-libs`,
        comment:
          `libs/${lib} may import only ${ALLOWED[lib].join(', ') || 'nothing of ours'} ` +
          `(ALLOWED in .dependency-cruiser.cjs; docs/architecture.md, "Bounded contexts").`,
        severity: 'error',
        from: { path: folder(lib) },
        to: { path: anyOf(forbidden) },
      },
    ];
  });
}

// Code that only tests may import: the e2e support and suites, unit specs, and test fixtures kept
// beside the code they serve (libs/marketplaces/src/test-content.ts).
const TESTS = ['^test/', '\\.spec\\.ts$', '\\.e2e-spec\\.ts$'];
const FIXTURES = ['^(libs|apps)/[^/]+/src/test-[^/]+\\.ts$', '^(libs|apps)/[^/]+/src/.*/test-[^/]+\\.ts$'];

/** @type {import('dependency-cruiser').IConfiguration} */
const configuration = {
  forbidden: [
    {
      name: 'lib-internals',
      comment:
        "Another lib's files are its internals: import it as @ocop/<lib> (its src/index.ts), and " +
        'ask its index to export what you need.',
      severity: 'error',
      from: { path: '^(libs|apps)/([^/]+)/', pathNot: [SHARED_RULES, WEB_RULES] },
      to: { path: '^libs/[^/]+/', pathNot: ['^libs/[^/]+/src/index\\.ts$', '^$1/$2/'] },
    },
    {
      name: 'shared-rules-stay-pure',
      comment:
        'libs/ocop/src/rules.ts is bundled into the web app: it may import only ' +
        'libs/common/src/calendar-date.ts (no Nest, no Node, no config loader).',
      severity: 'error',
      from: { path: SHARED_RULES },
      to: { pathNot: SHARED_RULES_IMPORTS },
    },
    {
      name: 'web-rules-only-the-shared-rules',
      comment: 'apps/web/src/ocop-rules.ts re-exports libs/ocop/src/rules.ts and imports nothing else.',
      severity: 'error',
      from: { path: WEB_RULES },
      to: { pathNot: SHARED_RULES },
    },
    {
      name: 'lib-by-relative-path',
      comment: 'Import another lib as @ocop/<lib>, never by a relative path into its folder.',
      severity: 'error',
      from: { path: '^(libs|apps)/([^/]+)/' },
      to: {
        path: '^libs/[^/]+/src/index\\.ts$',
        pathNot: '^$1/$2/',
        dependencyTypesNot: ['aliased-tsconfig-paths'],
      },
    },
    {
      name: 'lib-not-in-boundary-table',
      comment: 'Every lib needs its row in ALLOWED in .dependency-cruiser.cjs (what it may import).',
      severity: 'error',
      from: {},
      to: { path: '^libs/[^/]+/', pathNot: anyOf(LIBS) },
    },
    {
      name: 'lib-not-in-boundary-table',
      comment: 'Every lib needs its row in ALLOWED in .dependency-cruiser.cjs (what it may import).',
      severity: 'error',
      from: { path: '^libs/[^/]+/', pathNot: anyOf(LIBS) },
      to: {},
    },
    ...arrowRules(),
    {
      name: 'nothing-imports-apps',
      comment: 'Libs and config never import an app; apps are composition roots and entry points.',
      severity: 'error',
      from: { path: '^(libs|config)/' },
      to: { path: '^apps/' },
    },
    {
      name: 'app-not-to-app',
      comment: 'An app never imports another app (the CLI starts the others as processes).',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'sandbox-imports-no-lib',
      comment:
        'The sandbox plays the marketplaces: sharing code with the adapters in libs/ would let both ' +
        'sides agree on the same mistake.',
      severity: 'error',
      from: { path: '^apps/marketplace-sandbox/' },
      to: { path: '^libs/' },
    },
    {
      name: 'web-imports-no-lib',
      comment:
        'The web app runs in the browser; it talks to the API over HTTP only (the one exception: ' +
        'apps/web/src/ocop-rules.ts bundles the OCOP rating rules).',
      severity: 'error',
      from: { path: '^apps/web/', pathNot: WEB_RULES },
      to: { path: '^(libs|config)/' },
    },
    {
      name: 'config-imports-no-lib',
      comment: 'config/ is read by common; importing a lib from it would make a cycle.',
      severity: 'error',
      from: { path: '^config/' },
      to: { path: '^libs/' },
    },
    {
      name: 'production-not-to-tests',
      comment: 'Production code (libs/*/src, apps/*/src, config) never imports test/ or a spec file.',
      severity: 'error',
      from: { path: '^(libs|apps|config)/', pathNot: TESTS },
      to: { path: TESTS },
    },
    {
      name: 'test-fixtures-only-from-tests',
      comment:
        'Test fixtures (test-*.ts beside the code, e.g. libs/marketplaces/src/test-content.ts) are ' +
        'for spec files only; production code must not depend on them.',
      severity: 'error',
      from: { path: '^(libs|apps|config)/', pathNot: [...TESTS, ...FIXTURES] },
      to: { path: FIXTURES },
    },
    {
      name: 'no-circular',
      comment:
        'Modules never import each other in a circle (Nest needs forwardRef for those, and they hide layering).',
      severity: 'error',
      from: { path: '^(libs|apps|config)/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'An import the checker cannot resolve would escape every rule above (e.g. an @ocop/ alias ' +
        'missing from tsconfig.json paths).',
      severity: 'error',
      from: { path: '^(libs|apps|config)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|dist-bench|node_modules|coverage|\\.ci)/' },
    // Type-only imports couple contexts as much as value imports do.
    tsPreCompilationDeps: true,
    // Resolves the @ocop/* paths the way tsc does.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

module.exports = configuration;
// For test/unit/boundaries.spec.ts; not part of dependency-cruiser's configuration.
Object.defineProperty(module.exports, 'boundaries', {
  value: { ALLOWED },
  enumerable: false,
});
