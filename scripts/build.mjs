// Bundles the runnable entry points (local stack, task-runner, connect-standalone, connect-distributed) with esbuild.
// The commands on PATH are bin/*.cjs, which run these bundles (on Node 22 even when PATH's node is older).
// Runs on `npm ci` (prepare) and before `npm start`, so a fresh clone needs no separate build step. Skipped when
// dist/ is up to date: no file esbuild read for it (nor this script, nor the lockfile) changed since it was built,
// which keeps a later `npm start` from spending seconds on a build that would write the same bytes.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const stampFile = join(dist, '.build-inputs.json');
const entries = {
  'local-stack': 'lambdas/local/main.ts',
  'task-runner': 'task-runner/main.ts',
  'fetch-plugins': 'task-runner/fetch-plugins.ts',
  'connect-standalone': 'task-runner/connect-standalone.ts',
  'connect-distributed': 'lambdas/local/connect-distributed.ts',
};
const present = Object.fromEntries(Object.entries(entries).filter(([, src]) => existsSync(join(root, src))));

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Infinity; // gone: rebuild
  }
};

function upToDate() {
  if (process.env.SKC_BUILD_FORCE === '1' || !existsSync(stampFile)) return false;
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return false;
  }
  if (JSON.stringify(stamp.entries) !== JSON.stringify(present)) return false;
  if (!Object.keys(present).every((out) => existsSync(join(dist, `${out}.js`)))) return false;
  const inputs = [...stamp.inputs, 'scripts/build.mjs', 'package-lock.json'];
  return inputs.every((input) => mtime(join(root, input)) <= stamp.builtAt);
}

// V8 keeps a script's source as one string, two bytes per character if any is not ASCII: the remaining non-ASCII
// UTF-16 units (only in comments esbuild keeps) become `?`, same length, so source maps stay right. Saves ~7 MB of
// heap in every process. The same plugin is `asciiSourcePlugin` in test/services/bundle-options.ts.
const asciiSource = {
  name: 'ascii-source',
  setup(build) {
    build.onEnd((result) => {
      for (const out of Object.keys(result.metafile?.outputs ?? {})) {
        if (!out.endsWith('.js')) continue;
        const file = resolve(build.initialOptions.absWorkingDir ?? process.cwd(), out);
        const text = readFileSync(file, 'utf8');
        // eslint-disable-next-line no-control-regex
        if (/[^\x00-\x7f]/.test(text)) writeFileSync(file, text.replace(/[^\x00-\x7f]/g, '?'));
      }
    });
  },
};

mkdirSync(dist, { recursive: true });
if (Object.keys(present).length > 0 && !upToDate()) {
  const builtAt = Date.now();
  const { build } = await import('esbuild'); // not loaded at all when nothing is built
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(present).map(([out, src]) => [out, join(root, src)])),
    outdir: dist,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    sourcemap: true,
    metafile: true,
    absWorkingDir: root,
    // The `connect-standalone` bin runs tasks: it gets LOCAL_TASK_PROCESS_NODE_FLAGS (lib/runtime/task-process.ts; a test
    // keeps the two in sync). `env -S` splits the flags off (GNU coreutils ≥ 8.30, macOS, FreeBSD).
    // @platformatic/kafka is ESM and reads `import.meta.url` (an optional native CRC32C through createRequire):
    // in a CommonJS bundle that is the bundle's own URL, and its WebAssembly helpers come inlined (`/bundled`).
    banner: {
      js: '#!/usr/bin/env -S node --max-semi-space-size=32 --max-old-space-size=512\nvar __skc_import_meta_url = require("url").pathToFileURL(__filename).href;',
    },
    define: { 'import.meta.url': '__skc_import_meta_url' },
    alias: { '@platformatic/wasm-utils': '@platformatic/wasm-utils/bundled' },
    plugins: [asciiSource],
    logLevel: 'warning',
  });
  // Inputs as esbuild names them (relative to root); written last, so an interrupted build is redone.
  const inputs = Object.keys(result.metafile.inputs).filter((input) => !input.includes(':'));
  writeFileSync(stampFile, `${JSON.stringify({ builtAt, entries: present, inputs })}\n`);
}
