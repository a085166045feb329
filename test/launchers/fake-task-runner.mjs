// Stands in for dist/task-runner.js in the launcher contract tests: records its environment, logs, handles
// SIGTERM like the real one (exit 0), and can be told to misbehave through FAKE_* variables.
/* global setInterval */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const instance = (process.argv.find((a) => a.startsWith('--skc-instance=')) || '').slice('--skc-instance='.length);

// A warm spare (lib/adapters/local/spare-protocol.ts): report ready, take one assignment, then run as launched.
if (process.env.SKC_SPARE === '1') {
  const assigned = await new Promise((resolve) => {
    process.on('message', (message) => {
      if (message?.type !== 'skc-spare-assign') return;
      process.env.SKC_CONNECTOR = message.connector;
      process.env.SKC_TASK_ID = String(message.taskId);
      process.env.SKC_GENERATION = String(message.generation);
      delete process.env.SKC_SPARE;
      process.removeAllListeners('message');
      process.removeAllListeners('disconnect');
      process.disconnect();
      resolve(true);
    });
    process.once('disconnect', () => resolve(false));
    process.send({ type: 'skc-spare-ready' });
  });
  if (!assigned) process.exit(0);
}
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
