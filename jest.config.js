// Three projects, all run by `npm test` (docs/development.md, "Tests"): unit tests (pure logic, no
// services), integration tests (a context's services in a Nest testing module on the real
// PostgreSQL and Redis, no HTTP) and e2e tests (the real API, worker and sandbox over HTTP).
const { readFileSync } = require('node:fs');
const tsconfig = JSON.parse(readFileSync(`${__dirname}/tsconfig.json`, 'utf8'));
const moduleNameMapper = Object.fromEntries(
  Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias}$`,
    `<rootDir>/${target.replace(/^\.\//, '')}`,
  ]),
);
// NestJS 12 and a growing part of npm ship as ES modules only. Node 20 loads them from our CommonJS
// build with require(esm), but Jest's module runtime cannot, so under Jest babel turns ES modules
// from node_modules into CommonJS ('unambiguous' leaves CommonJS files as they are). Large packages
// known to be CommonJS are skipped to keep a cold run fast. The cache is cold whenever this config or
// the checkout's path changes, and on a new Node version (babel-jest keys its cache on it): babel
// spent 55 s of CPU on typescript.js alone (the table-ownership and SQL-in-repositories unit tests
// parse the code with it), and playwright-core (the browser suites) is two 13 MB bundles. Each
// package listed was checked: CommonJS, with no import() or import.meta on a path the tests take.
const knownCommonJs = [
  'typescript',
  'es-toolkit',
  'validator',
  'js-yaml',
  'luxon',
  'semver',
  'cron-parser',
  'reflect-metadata',
  'commander',
  '@sqltools/formatter',
  'playwright-core',
  'axe-core',
  'exceljs',
  'jszip',
  'typeorm',
  'pg',
  'pg-[a-z-]+',
  'ioredis',
  'bullmq',
  'fastify',
  'prom-client',
  'class-validator',
  'class-transformer',
  'pino',
  'axios',
  'rxjs',
  'lodash',
  'libphonenumber-js',
  'swagger-ui-dist',
  'msgpackr',
];
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  '^.+\\.m?js$': [
    'babel-jest',
    {
      babelrc: false,
      configFile: false,
      sourceType: 'unambiguous',
      plugins: [
        `${__dirname}/test/support/babel-esm-require.js`,
        'babel-plugin-transform-import-meta',
        '@babel/plugin-transform-dynamic-import',
        '@babel/plugin-transform-modules-commonjs',
      ],
    },
  ],
};
const transformIgnorePatterns = [`/node_modules/(${knownCommonJs.join('|')})/`];
const common = {
  rootDir: __dirname,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  transform,
  transformIgnorePatterns,
  moduleNameMapper,
  testEnvironment: 'node',
};

// The database and queue set-up the integration and e2e projects share: one migrated test database
// per run (the one global-setup is run once for both), and a copy of it per file.
const onTheTestDatabase = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/env.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/support/own-database.ts'],
};

module.exports = {
  maxWorkers: 2,
  // e2e suites start the real API and wait on PostgreSQL, Redis and HTTP; unit tests finish long before.
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{libs,apps}/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
    },
    {
      ...common,
      ...onTheTestDatabase,
      displayName: 'integration',
      // under test/, not beside the code: a file in libs/ would be built into dist/, count as
      // production code for the boundary check and have its SQL read by the table-ownership test
      testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'],
    },
    {
      ...common,
      ...onTheTestDatabase,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
    },
  ],
};
