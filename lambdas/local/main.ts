/**
 * `npm start`: the local serverless stack (lambdas/local/local-stack-command.ts). Usage:
 *
 *   npm start                                          # starts its own single-node Apache Kafka
 *   npm start -- config/connect-distributed.properties # uses that file's bootstrap.servers, listeners, worker keys
 */
import { runLocalStackCommand } from './local-stack-command';

// npm runs scripts in the package's folder; INIT_CWD is where the user typed `npm start`.
runLocalStackCommand(process.argv.slice(2), {
  name: 'npm start --',
  workerFileRequired: false,
  cwd: process.env.INIT_CWD ?? process.cwd(),
});
