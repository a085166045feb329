/**
 * Jest global setup: starts the test services (all, or SKC_SERVICES=kafka,dynamodb,moto) and hands their
 * endpoints to the test workers through environment variables (workers are forked after this runs):
 * KAFKA_BOOTSTRAP_SERVERS, DYNAMODB_ENDPOINT, MOTO_ENDPOINT, SKC_SERVICES_RUNNING, and dummy AWS credentials.
 */
import { selectedServices, startServices } from './index';
import type { ServiceStack } from './index';

declare global {
  var __SKC_TEST_SERVICES__: ServiceStack | undefined;
}

export default async function globalSetup(): Promise<void> {
  process.stdout.write('\n');
  const stack = await startServices(selectedServices());
  globalThis.__SKC_TEST_SERVICES__ = stack;
  Object.assign(process.env, stack.env);
}
