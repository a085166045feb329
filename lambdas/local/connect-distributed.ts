/**
 * `connect-distributed worker.properties`: Apache's command name for `npm start -- worker.properties`, on PATH after
 * `npm link` in the clone (README). Relative paths are taken from the folder it is run in.
 */
import { runLocalStackCommand } from './local-stack-command';

runLocalStackCommand(process.argv.slice(2), {
  name: 'connect-distributed',
  workerFileRequired: true,
  cwd: process.cwd(),
});
