// The `app` command of cdk.json: bundles infra/app.ts with esbuild (already a dependency; no ts-node or tsx
// needed on a fresh clone) and runs it. Packages stay external, so aws-cdk-lib and cdk-nag load from node_modules.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Inside node_modules: excluded from the Docker build context and from every linter.
const outfile = join(root, 'node_modules', '.cache', 'skc-infra', 'app.cjs');
await build({
  entryPoints: [join(root, 'infra', 'app.ts')],
  outfile,
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
});
process.setSourceMapsEnabled(true);
createRequire(import.meta.url)(outfile);
