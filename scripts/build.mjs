// Bundles the runnable entry points (local stack, task-runner, connect-standalone, connect-distributed) with esbuild.
// The commands on PATH are bin/*.cjs, which run these bundles (on Node 22 even when PATH's node is older).
// Runs on `npm ci` (prepare) and before `npm start`, so a fresh clone needs no separate build step.
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = {
  'local-stack': 'lambdas/local/main.ts',
  'task-runner': 'task-runner/main.ts',
  'connect-standalone': 'task-runner/connect-standalone.ts',
  'connect-distributed': 'lambdas/local/connect-distributed.ts',
};
mkdirSync(join(root, 'dist'), { recursive: true });
const present = Object.fromEntries(Object.entries(entries).filter(([, src]) => existsSync(join(root, src))));
if (Object.keys(present).length > 0) {
  await build({
    entryPoints: Object.fromEntries(Object.entries(present).map(([out, src]) => [out, join(root, src)])),
    outdir: join(root, 'dist'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    sourcemap: true,
    // The `connect-standalone` bin runs tasks: it gets TASK_PROCESS_NODE_FLAGS (lib/runtime/task-process.ts; a test
    // keeps the two in sync). `env -S` splits the flags off (GNU coreutils ≥ 8.30, macOS, FreeBSD).
    banner: { js: '#!/usr/bin/env -S node --max-semi-space-size=32' },
    logLevel: 'warning',
  });
}
