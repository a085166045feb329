/**
 * `npm run services [-- kafka dynamodb moto]` (scripts/services.mjs bundles and runs this): starts the test
 * services, prints their endpoints as shell exports, and stops them on Ctrl-C (SIGINT/SIGTERM).
 */
import { selectedServices, startServices } from './index';

export async function main(argv: readonly string[]): Promise<void> {
  const names = selectedServices(argv.length > 0 ? argv.join(',') : undefined);
  const stack = await startServices(names);
  console.log('\n# endpoints (paste into another shell to point tools at them):');
  for (const [key, value] of Object.entries(stack.env)) console.log(`export ${key}=${value}`);
  console.log('\n[services] running; Ctrl-C stops them');
  const keepAlive = setInterval(() => undefined, 1 << 30);
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[services] ${signal}: stopping …`);
    stack.stop().then(
      () => {
        clearInterval(keepAlive);
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
