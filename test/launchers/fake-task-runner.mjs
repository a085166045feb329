// Stands in for dist/task-runner.js in the launcher contract tests: records its environment, logs, handles
// SIGTERM like the real one (exit 0), and can be told to misbehave through FAKE_* variables.
/* global setInterval */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const instance = (process.argv.find((a) => a.startsWith('--skc-instance=')) || '').slice('--skc-instance='.length);
if (process.env.FAKE_ENV_DIR) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k.startsWith('SKC_') || k === 'NODE_COMPILE_CACHE'),
  );
  writeFileSync(join(process.env.FAKE_ENV_DIR, `${instance}.json`), JSON.stringify({ pid: process.pid, env }));
}
console.log(`fake task-runner ${instance} started for ${process.env.SKC_CONNECTOR}-${process.env.SKC_TASK_ID}`);
console.error('a line on stderr');
process.on('SIGTERM', () => {
  if (process.env.FAKE_IGNORE_SIGTERM === 'true') return;
  console.log('SIGTERM: flushing and exiting');
  setTimeout(() => process.exit(0), 20);
});
if (process.env.FAKE_EXIT_AFTER_MS) {
  setTimeout(() => process.exit(Number(process.env.FAKE_EXIT_CODE || '1')), Number(process.env.FAKE_EXIT_AFTER_MS));
}
setInterval(() => {}, 1000);
