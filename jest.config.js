/** Jest runs TypeScript through swc (fast, no type check; `npm run typecheck` does that). */
const swc = [
  '@swc/jest',
  { jsc: { target: 'es2023', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];

/**
 * Test files of the `integration` project: every file that calls `requireServices` (Kafka, DynamoDB Local, moto),
 * and the slow ones without services (Java oracles, Python's schemathesis, CDK synth, bundles and child-process
 * CLIs). Everything else is `unit`: in-process, no services, seconds in all (`npm run test:unit`).
 */
const INTEGRATION = [
  // need test services (requireServices)
  'e2e/.*',
  'jvm/.*',
  'smoke/(kafka|dynamodb|ecs)',
  'stores/(apache-interop|dynamodb-stores|kafka-log-reader|kafka-offset-store)',
  'rest/(concurrency-dynamodb|kafka-offsets)',
  'runtime/(kafka-adapters|sink-topic-appears|dead-letter-queue|source-topic-creation|exactly-once-source|connector-offsets-topic)',
  'standalone/(filestream-kafka|rest-api|installed-commands)',
  'launchers/(ecs-task-launcher|ecs-task-roles|connector-roles-lambda)',
  'plugins/s3/s3-sink-(task|crash|dlq)',
  // no services, but a JVM, Python, CDK synth, esbuild bundles or the standalone CLI in child processes
  'converters/.*\\.differential',
  'setup/broker-lock',
  'transforms/.*\\.differential',
  'rest/schemathesis',
  'infra/(bundling|nag|snapshot|stack|s3-sink-access|connector-task-roles)',
  'stores/crash-safety',
  'standalone/bad-input',
  // a broker of its own, stopped and restarted
  'runtime/source-broker-outage',
  // a broker of its own with TLS and SASL listeners
  'runtime/kafka-adapters-security',
];
/** One regular expression over absolute test paths: `<root>/test/(<one of the above>).test.ts`. */
const integrationTests = `^${__dirname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/test/(${INTEGRATION.join('|')})\\.test\\.ts$`;

/** @type {import('jest').Config} */
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    '^.+\\.ts$': swc,
    // middy 7 is ESM-only: transform it to CommonJS like our own code.
    '^.+\\.m?js$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  // hyparquet(-writer) (the S3 sink's Parquet writer) and @platformatic/kafka (with its own packages) are ESM-only too.
  transformIgnorePatterns: ['/node_modules/(?!(@middy|hyparquet|hyparquet-writer|@platformatic)/)'],
  // …and its package exports only an `import` condition, which Jest's CommonJS resolver does not try.
  moduleNameMapper: { '^@middy/([a-z-]+)$': '<rootDir>/node_modules/@middy/$1/index.js' },
  testTimeout: 120000,
};

/** @type {import('jest').Config} */
module.exports = {
  // Jest force-kills a worker that has not exited 500 ms (its default) after the run, printing "A worker process
  // has failed to exit gracefully". Measured here: no handle is left open (an unref'd probe saw only the stdio
  // pipes in each worker's last moments, and the workers' 'exit' comes 0-90 ms after Jest's end message), but the
  // exit itself — tearing down a 330-440 MB worker — took 200-506 ms of wall time at a load average of 23-26 on
  // 2 cores. A real leak still shows the warning, 10 s later.
  workerGracefulExitTimeout: 10_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', integrationTests],
    },
    {
      ...common,
      displayName: 'integration',
      testRegex: integrationTests,
      // Starts the test services; Jest runs a project's global set-up only when one of its tests runs.
      globalSetup: '<rootDir>/test/services/global-setup.ts',
      globalTeardown: '<rootDir>/test/services/global-teardown.ts',
    },
  ],
  testTimeout: 120000,
  maxWorkers: 2,
};
