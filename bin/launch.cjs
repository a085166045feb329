'use strict';
/**
 * Runs a bundled command of dist/ for the launchers beside this file (the package's `bin`s, linked onto PATH by
 * `npm link`). The project supports Node 22+ (package.json `engines`); when the `node` found on PATH is older, the
 * command runs on the project's own Node 22 (the `node` devDependency in node_modules) instead, with the same
 * flags, so the commands work from any folder whatever node comes first on PATH. Plain CommonJS that any Node
 * parses: it has to run before the version is known.
 */
const { spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const MIN_NODE_MAJOR = 22;
const root = join(__dirname, '..');

/** The Node flags of local processes that run tasks (LOCAL_TASK_PROCESS_NODE_FLAGS, lib/runtime/task-process.ts). */
const NODE_FLAGS = ['--max-semi-space-size=32', '--max-old-space-size=512'];

module.exports = function launch(name) {
  const script = join(root, 'dist', `${name}.js`);
  if (!existsSync(script)) {
    process.stderr.write(`${name}: ${script} is missing; run \`npm ci\` (or \`npm run build\`) in ${root}\n`);
    process.exit(1);
  }
  const major = Number(process.versions.node.split('.')[0]);
  const flagsApplied = NODE_FLAGS.every((flag) => process.execArgv.includes(flag));
  if (major >= MIN_NODE_MAJOR && flagsApplied) {
    require(script); // this process is fine as it is: no second process
    return;
  }
  let node = process.execPath;
  if (major < MIN_NODE_MAJOR) {
    node = join(root, 'node_modules', 'node', 'bin', 'node');
    if (!existsSync(node)) {
      process.stderr.write(
        `${name}: Node ${MIN_NODE_MAJOR}+ is needed, this is ${process.version}; install Node ${MIN_NODE_MAJOR} ` +
          `or run \`npm ci\` in ${root} (it brings Node ${MIN_NODE_MAJOR} as a dev dependency)\n`,
      );
      process.exit(1);
    }
  }
  const child = spawn(node, [...NODE_FLAGS, script, ...process.argv.slice(2)], { stdio: 'inherit' });
  // A terminal's Ctrl-C reaches both processes (same group); signals sent to this one alone are passed on.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
};
