import { dirname, relative, resolve, sep } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

// ---------------------------------------------------------------------------------------------------------------
// ARCHITECTURE.md §5 as a lint rule, so a change cannot break the layering silently (test/lint checks that it fires
// on deliberately wrong imports). Tests and benchmarks are exempt: they drive the real clients to observe
// behaviour from outside.

/** Which SDK each adapter folder owns: only that folder may import it. */
const ADAPTER_SDKS = {
  'lib/adapters/kafka': ['kafkajs'],
  'lib/adapters/platformatic-kafka': ['@platformatic/kafka'],
  'lib/adapters/dynamodb': ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'],
  'lib/adapters/ecs': ['@aws-sdk/client-ecs'],
  'lib/adapters/iam': ['@aws-sdk/client-iam'],
  'lib/adapters/lambda': ['@aws-sdk/client-lambda'],
  'lib/adapters/secrets-manager': ['@aws-sdk/client-secrets-manager'],
  'lib/adapters/ssm': ['@aws-sdk/client-ssm'],
  'lib/adapters/s3': ['@aws-sdk/client-s3', '@aws-sdk/lib-storage'],
};
/** The domain sees the world through the ports in lib/storage: no SDK, no framework. */
const DOMAIN = ['lib/connect', 'lib/herder', 'lib/scheduler', 'lib/runtime'];
const DOMAIN_FORBIDDEN = ['kafkajs', '@platformatic/kafka', '@aws-sdk/*', '@middy/*', 'aws-cdk-lib', 'constructs'];
/** Production code, where the rule applies. */
const PRODUCTION = ['lib', 'composition', 'lambdas', 'task-runner', 'infra', 'tools'];
/**
 * Folder boundaries on resolved paths (a relative specifier says nothing by itself: `../local/x` is another
 * adapter from lib/adapters/kafka but not from lambdas/api). `from` imports nothing under any of `to`.
 */
const BOUNDARIES = [
  {
    from: 'lib',
    to: ['composition', 'lambdas', 'task-runner'],
    why: 'they are the entry points and their composition on top of lib/; the arrows point down only',
  },
  {
    from: 'composition',
    to: ['lambdas', 'task-runner'],
    why: 'the entry points import the composition, not the reverse',
  },
  { from: 'task-runner', to: ['lambdas'], why: 'entry points do not import each other; share through composition/' },
  { from: 'lambdas', to: ['task-runner'], why: 'entry points do not import each other; share through composition/' },
];
const ADAPTERS_DIR = 'lib/adapters';

const posixRelative = (file) => relative(root, file).split(sep).join('/');
const within = (path, folder) => path === folder || path.startsWith(`${folder}/`);
/** `kafkajs` matches `kafkajs` and `kafkajs/x`; `@aws-sdk/*` matches every package of the scope. */
const matchesPackage = (specifier, pattern) =>
  pattern.endsWith('/*') ? specifier.startsWith(pattern.slice(0, -1)) : within(specifier, pattern);
/** `lib/adapters/<name>` of a path inside an adapter folder, else undefined. */
const adapterFolder = (path) => {
  const match = new RegExp(`^${ADAPTERS_DIR}/([^/]+)/`).exec(path);
  return match ? `${ADAPTERS_DIR}/${match[1]}` : undefined;
};

/** The problem with importing `specifier` from `file` (both relative to the root), or undefined. */
function importProblem(file, specifier, fileDir) {
  if (!specifier.startsWith('.')) {
    if (DOMAIN.some((folder) => within(file, folder)) && DOMAIN_FORBIDDEN.some((p) => matchesPackage(specifier, p))) {
      return `lib/connect, lib/herder, lib/scheduler and lib/runtime import no SDK (${specifier}): use a port of lib/storage.`;
    }
    for (const [owner, sdks] of Object.entries(ADAPTER_SDKS)) {
      if (!within(file, owner) && sdks.some((p) => matchesPackage(specifier, p))) {
        return `${specifier} is imported only in ${owner}/ (each SDK has one adapter folder): go through it.`;
      }
    }
    return undefined;
  }
  const target = posixRelative(resolve(fileDir, specifier));
  for (const { from, to, why } of BOUNDARIES) {
    const forbidden = within(file, from) && to.find((folder) => within(target, folder));
    if (forbidden) return `${from}/ imports nothing from ${forbidden}/: ${why}.`;
  }
  const own = adapterFolder(file);
  const other = adapterFolder(`${target}/`);
  if (own && other && other !== own) {
    return `${own}/ imports nothing from ${other}/: an adapter never imports another adapter (shared rules belong in lib/storage; adapters are composed in composition/).`;
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
const importBoundaries = {
  meta: {
    type: 'problem',
    docs: {
      description: 'Import rules of ARCHITECTURE.md §5 (SDK ownership, no SDK in the domain, folder boundaries)',
    },
    schema: [],
  },
  create(context) {
    const file = posixRelative(context.filename);
    const fileDir = dirname(context.filename);
    const check = (node) => {
      // static and dynamic imports, re-exports, `import x = require(…)`
      const specifier = node.source?.value ?? node.moduleReference?.expression?.value;
      if (typeof specifier !== 'string') return;
      const message = importProblem(file, specifier, fileDir);
      if (message) context.report({ node, message });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
      TSImportEqualsDeclaration: check,
    };
  },
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdk.out/', '.cache/', '.venv/', 'coverage/', 'infra/cdk.out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        module: 'writable',
        require: 'readonly',
        __dirname: 'readonly',
        fetch: 'readonly',
      },
    },
  },
  {
    files: PRODUCTION.flatMap((folder) => [`${folder}/**/*.ts`, `${folder}/**/*.mjs`]),
    plugins: { architecture: { rules: { 'import-boundaries': importBoundaries } } },
    rules: { 'architecture/import-boundaries': 'error' },
  },
  {
    // The installed commands' launchers are CommonJS that any Node parses (bin/launch.cjs says why).
    files: ['bin/**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
