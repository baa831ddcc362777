// Settings for every integration and e2e test process: the test database (never the demo's; each
// file then works on its own copy of it, see own-database.ts), a queue prefix of their own, fixed
// secrets, quiet logs.
process.env.NODE_ENV = 'test';
process.env.DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ocop_test';
process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
process.env.QUEUE_PREFIX = process.env.TEST_QUEUE_PREFIX ?? '{ocop-test}';
process.env.ADMIN_API_KEY = 'test-admin-key-0123456789abcdef';
process.env.CREDENTIALS_KEY = Buffer.alloc(32, 7).toString('base64');
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
process.env.WORKER_METRICS_PORT = '0';
// product photos come from the local sandbox (/_sandbox/images), on loopback
process.env.IMAGE_FETCH_ALLOW_PRIVATE = 'true';
// Two suites at once each run an API and one or two workers: at production's 20 connections a
// process they could pass PostgreSQL's 100.
process.env.DATABASE_POOL_SIZE = process.env.TEST_DATABASE_POOL_SIZE ?? '10';
// Rate limits out of the way of every suite but the one about them, which sets its own.
process.env.API_RATE_LIMIT_PER_MINUTE = '1000000';
process.env.WEBHOOK_RATE_LIMIT_PER_MINUTE = '1000000';
// Passwords at a cost of 2^10 instead of production's 2^15 (1 MiB and about a millisecond per hash
// instead of 32 MiB and 50–100 ms): suites create and sign in many people. The unit tests of
// libs/auth/src/passwords.ts check production's parameters, and people.e2e's timing test starts an
// API of its own at production's cost. TEST_PASSWORD_SCRYPT_LN=15 runs every suite at production's.
process.env.PASSWORD_SCRYPT_LN = process.env.TEST_PASSWORD_SCRYPT_LN ?? '10';
