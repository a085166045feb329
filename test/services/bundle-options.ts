/**
 * esbuild settings every CommonJS bundle of our entry points needs for `@platformatic/kafka` (ESM reading
 * `import.meta.url`): the same as scripts/build.mjs, for the bundles tests and benchmarks build themselves.
 */
export const PLATFORMATIC_BUNDLE_OPTIONS = {
  banner: { js: 'var __skc_import_meta_url = require("url").pathToFileURL(__filename).href;' },
  define: { 'import.meta.url': '__skc_import_meta_url' },
  alias: { '@platformatic/wasm-utils': '@platformatic/wasm-utils/bundled' },
} as const;
