/**
 * The import rules of ARCHITECTURE.md §5 are enforced by eslint.config.mjs: each case lints a one-line snippet as
 * if it were a file of that folder (nothing is written) and expects the rule to fire with its message, or not at
 * all. All snippets go through one ESLint run (./lint-snippets.mjs) with the real config file.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const IMPORT_RULES = ['architecture/import-boundaries'];

/** [file as if in that folder, import line, expected message or null when the import is allowed] */
const CASES: readonly (readonly [string, string, RegExp | null])[] = [
  // the domain imports no SDK
  ['lib/connect/x.ts', "import x from 'kafkajs';", /import no SDK/],
  ['lib/herder/x.ts', "import { x } from '@aws-sdk/client-secrets-manager';", /import no SDK/],
  ['lib/scheduler/x.ts', "import { x } from '@middy/core';", /import no SDK/],
  ['lib/runtime/x.ts', "import { x } from 'aws-cdk-lib/aws-ecs';", /import no SDK/],
  ['lib/runtime/x.ts', "import type { x } from 'constructs';", /import no SDK/],
  // each SDK only in its adapter folder
  ['lib/adapters/dynamodb/x.ts', "import { x } from 'kafkajs';", /is imported only in lib\/adapters\//],
  ['lib/adapters/kafka/x.ts', "import { x } from '@aws-sdk/lib-dynamodb';", /is imported only in lib\/adapters\//],
  ['lib/adapters/local/x.ts', "import { x } from '@aws-sdk/client-ecs';", /is imported only in lib\/adapters\//],
  ['lib/config/x.ts', "import { x } from '@aws-sdk/client-dynamodb';", /is imported only in lib\/adapters\//],
  ['lambdas/api/x.ts', "import { x } from 'kafkajs';", /is imported only in lib\/adapters\//],
  ['task-runner/x.ts', "import { x } from '@aws-sdk/client-ecs';", /is imported only in lib\/adapters\//],
  ['infra/x.ts', "import { x } from '@aws-sdk/client-dynamodb';", /is imported only in lib\/adapters\//],
  ['composition/x.ts', "import { x } from '@aws-sdk/client-ecs';", /is imported only in lib\/adapters\/ecs\//],
  ['lib/plugins/s3/x.ts', "import { x } from '@aws-sdk/client-s3';", /is imported only in lib\/adapters\/s3\//],
  ['lib/plugins/s3/x.ts', "import { Upload } from '@aws-sdk/lib-storage';", /is imported only in lib\/adapters\/s3\//],
  ['lib/plugins/s3/x.ts', "import { x } from '@aws-sdk/client-s3';", /is imported only in lib\/adapters\/s3\//],
  ['lib/plugins/s3/x.ts', "import { Upload } from '@aws-sdk/lib-storage';", /is imported only in lib\/adapters\/s3\//],
  ['lib/adapters/dynamodb/x.ts', "const x = import('@aws-sdk/client-secrets-manager');", /is imported only in/],
  ['lib/connect/x.ts', "const x = import('kafkajs');", /import no SDK/],
  // an adapter never imports another adapter, however the path is spelled, type-only imports included
  ['lib/adapters/dynamodb/x.ts', "import { x } from '../local/memory-stores';", /another adapter/],
  ['lib/adapters/kafka/x.ts', "import type { x } from '../../adapters/local/store';", /another adapter/],
  ['lib/adapters/local/x.ts', "export { x } from '../kafka/admin';", /another adapter/],
  ['lib/adapters/ecs/x.ts', "import { x } from '../dynamodb';", /another adapter/],
  ['lib/adapters/ecs/x.ts', "const x = import('../kafka/client');", /another adapter/],
  // the entry points (lambdas/, task-runner/) and composition/ sit on top of lib/; entry points do not import each other
  ['lib/runtime/x.ts', "import { x } from '../../lambdas/shared/env';", /imports nothing from lambdas/],
  ['lib/adapters/ecs/x.ts', "import { x } from '../../../task-runner/main';", /imports nothing from task-runner/],
  ['task-runner/x.ts', "import { x } from '../lambdas/shared/stores';", /imports nothing from lambdas/],
  ['lib/config/x.ts', "import { x } from '../../composition/env';", /imports nothing from composition/],
  ['composition/x.ts', "import { x } from '../lambdas/api/handler';", /imports nothing from lambdas/],
  ['lambdas/api/x.ts', "import { x } from '../../task-runner/main';", /imports nothing from task-runner/],
  // allowed
  ['lib/adapters/kafka/x.ts', "import { x } from 'kafkajs';", null],
  ['lib/adapters/dynamodb/x.ts', "import { x } from '@aws-sdk/lib-dynamodb';", null],
  ['lib/adapters/ecs/x.ts', "import { x } from '@aws-sdk/client-ecs';", null],
  ['lib/adapters/local/x.ts', "import { x } from './memory-stores';", null],
  ['lib/adapters/local/x.ts', "import { x } from './kafka-broker';", null],
  ['lib/adapters/dynamodb/x.ts', "import { x } from '../../storage/connector-state';", null],
  ['lib/runtime/x.ts', "import { x } from '../storage/ports';", null],
  ['lambdas/api/x.ts', "import { x } from '../../composition/api/handler';", null],
  ['task-runner/x.ts', "import { x } from '../composition/stores';", null],
  ['composition/x.ts', "import { x } from '../lib/adapters/dynamodb/config-store';", null],
  ['lib/adapters/secrets-manager/x.ts', "const x = import('@aws-sdk/client-secrets-manager');", null],
  ['lambdas/api/x.ts', "import { x } from '@middy/core';", null],
  ['task-runner/x.ts', "import { x } from '../lib/adapters/kafka/client';", null],
  ['test/stores/x.ts', "import { x } from 'kafkajs';", null],
];

let reported: { ruleId: string | null; message: string }[][];

beforeAll(() => {
  const snippets = CASES.map(([file, code]) => ({ file, code: `${code}\nexport const used = x;\n` }));
  const output = execFileSync(process.execPath, [join(__dirname, 'lint-snippets.mjs')], {
    cwd: root,
    input: JSON.stringify(snippets),
    encoding: 'utf8',
  });
  reported = JSON.parse(output) as typeof reported;
});

describe.each(CASES.map((entry, index) => [...entry, index] as const))('%s: %s', (_file, _code, expected, index) => {
  const messages = () =>
    (reported[index] ?? []).filter((p) => p.ruleId !== null && IMPORT_RULES.includes(p.ruleId)).map((p) => p.message);
  if (expected) {
    it('is rejected with the rule that says why', () => {
      expect(messages()).toEqual([expect.stringMatching(expected)]);
    });
  } else {
    it('is allowed', () => {
      expect(messages()).toEqual([]);
    });
  }
});
