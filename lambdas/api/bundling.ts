/**
 * esbuild options for the API Lambda bundle (for the CDK stack and bench/rest.ts; build-time only):
 * - `@aws-sdk/*` is external: the Node.js Lambda runtime ships AWS SDK v3.
 * - `kafkajs` and `@platformatic/kafka` (the two Kafka clients, `skc.kafka.client`) are external: only the
 *   offsets/topics routes and `GET /` require one, lazily (composition/api/kafka.ts); ship them as node modules next
 *   to the bundle (CDK NodejsFunction `bundling.nodeModules`).
 * - zod's locale barrel is cut to English: esbuild cannot tree-shake the `z` namespace and would otherwise bundle
 *   ~260 KB of error-message translations the API never uses.
 */
import { dirname, join } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';

export const API_EXTERNAL_MODULES = ['@aws-sdk/*', 'kafkajs', '@platformatic/kafka'];
export const API_NODE_MODULES = ['kafkajs', '@platformatic/kafka'];

export const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";\n',
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/** Options for esbuild's `build()` of `lambdas/api/handler.ts` under `root`; `extra` adds `outfile` etc. */
export function apiBundleOptions(root: string, extra: BuildOptions = {}): BuildOptions {
  return {
    entryPoints: [join(root, 'lambdas/api/handler.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: API_EXTERNAL_MODULES,
    plugins: [zodEnglishOnly],
    logLevel: 'warning',
    ...extra,
  };
}
