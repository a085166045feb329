// Writes openapi.json (repo root) from the REST route table's zod schemas (lib/rest/openapi.ts).
// `node scripts/openapi.mjs --check` exits 1 when the committed file is stale.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'skc-openapi-'));
try {
  const outfile = join(dir, 'openapi.cjs');
  await build({
    entryPoints: [join(root, 'lib/rest/openapi.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'warning',
  });
  const { generateOpenApiDocument } = createRequire(import.meta.url)(outfile);
  const text = `${JSON.stringify(generateOpenApiDocument(), null, 2)}\n`;
  const target = join(root, 'openapi.json');
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== text) {
      console.error('openapi.json is stale: run `node scripts/openapi.mjs`');
      process.exit(1);
    }
  } else {
    writeFileSync(target, text);
    console.log(`wrote ${target}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
