import { dirname, relative, resolve, sep } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

// ---------------------------------------------------------------------------------------------------------------
// ARCHITECTURE.md §5 as lint rules, so a change cannot break the layering silently (test/lint checks these rules
// fail on deliberately wrong imports). Tests and benchmarks are exempt: they drive the real clients to observe
// behaviour from outside.

/** Which SDK each adapter folder owns: only that folder may import it. */
const ADAPTER_SDKS = {
  'lib/adapters/kafka': ['kafkajs', 'kafkajs/*'],
  'lib/adapters/dynamodb': ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'],
  'lib/adapters/ecs': ['@aws-sdk/client-ecs'],
};
/** The domain sees the world through the ports in lib/storage: no SDK, no framework. */
const DOMAIN = ['lib/connect', 'lib/herder', 'lib/scheduler', 'lib/runtime'];
const DOMAIN_FORBIDDEN = [
  'kafkajs',
  'kafkajs/*',
  '@aws-sdk/*',
  '@middy/*',
  'aws-cdk-lib',
  'aws-cdk-lib/*',
  'constructs',
];
/** Production code: every SDK import there is checked. */
const PRODUCTION = ['lib', 'lambdas', 'task-runner', 'infra', 'tools'];

const sourceFiles = (folder) => [`${folder}/**/*.ts`, `${folder}/**/*.mjs`];
const restrictPackages = (groups, message) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
});
const ownedElsewhere = (except) =>
  Object.entries(ADAPTER_SDKS)
    .filter(([folder]) => folder !== except)
    .flatMap(([, sdks]) => sdks);

/**
 * Folder boundaries on resolved paths (a relative specifier says nothing by itself: `../local/x` is another
 * adapter from lib/adapters/kafka but not from lambdas/api). `from` imports nothing under any of `to`.
 */
const BOUNDARIES = [
  {
    from: 'lib',
    to: ['lambdas', 'task-runner'],
    why: 'lambdas/ and task-runner/ are entry points on top of lib/; the arrows point down only',
  },
  { from: 'task-runner', to: ['lambdas'], why: 'entry points do not import each other; share through lib/' },
];
const ADAPTERS_DIR = 'lib/adapters';

const posixRelative = (file) => relative(root, file).split(sep).join('/');
const within = (path, folder) => path === folder || path.startsWith(`${folder}/`);
/** `lib/adapters/<name>` of a path inside an adapter folder, else undefined. */
const adapterFolder = (path) => {
  const match = new RegExp(`^${ADAPTERS_DIR}/([^/]+)/`).exec(path);
  return match && `${ADAPTERS_DIR}/${match[1]}`;
};

/** @type {import('eslint').Rule.RuleModule} */
const importBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Folder import boundaries of ARCHITECTURE.md §5' },
    schema: [],
  },
  create(context) {
    const file = posixRelative(context.filename);
    const check = (node) => {
      const specifier = node.source?.value ?? node.moduleReference?.expression?.value;
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const target = posixRelative(resolve(dirname(context.filename), specifier));
      for (const { from, to, why } of BOUNDARIES) {
        const forbidden = within(file, from) && to.find((folder) => within(target, folder));
        if (forbidden) context.report({ node, message: `${from}/ imports nothing from ${forbidden}/: ${why}.` });
      }
      const own = adapterFolder(file);
      const other = adapterFolder(`${target}/`);
      if (own && other && other !== own) {
        context.report({
          node,
          message: `${own}/ imports nothing from ${other}/: an adapter never imports another adapter (shared rules belong in lib/storage; compose adapters in the entry point).`,
        });
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      TSImportEqualsDeclaration: check,
      ImportExpression: check,
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
      },
    },
  },
  // ---- ARCHITECTURE.md §5 (later blocks replace the package list of earlier ones for their folder) ----
  {
    files: PRODUCTION.flatMap(sourceFiles),
    plugins: { architecture: { rules: { 'import-boundaries': importBoundaries } } },
    rules: {
      'architecture/import-boundaries': 'error',
      ...restrictPackages(ownedElsewhere(), 'Each SDK has one adapter folder (lib/adapters/<system>): go through it.'),
    },
  },
  {
    files: DOMAIN.flatMap(sourceFiles),
    rules: restrictPackages(
      DOMAIN_FORBIDDEN,
      'lib/connect, lib/herder, lib/scheduler and lib/runtime import no SDK: use a port of lib/storage.',
    ),
  },
  ...Object.keys(ADAPTER_SDKS).map((folder) => ({
    files: sourceFiles(folder),
    rules: restrictPackages(
      ownedElsewhere(folder),
      'Each SDK has one adapter folder (lib/adapters/<system>): an adapter never imports another adapter.',
    ),
  })),
);
