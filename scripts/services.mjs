// `npm run services [-- kafka dynamodb moto]`: starts the test services by hand (default: all, or SKC_SERVICES),
// prints their endpoints as shell exports, and stops them on Ctrl-C. The TypeScript in test/services is bundled
// on the fly with esbuild (node_modules stay external) into .cache/, then run in this process.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { paths, setup, SetupError } from './setup.mjs';

try {
  await setup();
} catch (error) {
  console.error(`[setup] FAILED: ${error instanceof SetupError ? error.message : (error?.stack ?? error)}`);
  process.exit(1);
}

const outfile = join(paths.cacheDir, 'services-cli.cjs');
await build({
  entryPoints: [join(paths.root, 'test', 'services', 'cli.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});
const { main } = createRequire(import.meta.url)(outfile);
await main(process.argv.slice(2));
