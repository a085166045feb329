/**
 * The test services as one stack: Apache Kafka, DynamoDB Local and moto, started in parallel. Used by Jest's
 * global setup/teardown and by `npm run services`. Choose a subset with SKC_SERVICES=kafka,dynamodb,moto
 * (`none` for none).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startDynamoDbLocal } from './dynamodb';
import { startKafka } from './kafka';
import { startMoto } from './moto';
import { servicePaths } from './paths';
import { SERVICE_NAMES, seconds } from './service';
import type { RunningService, ServiceName } from './service';

export { SERVICE_NAMES } from './service';
export type { RunningService, ServiceName } from './service';

/** Variables set for every test: the AWS SDK talks to the emulators only, never to a real account. */
export const AWS_TEST_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** Names of the services to start: SKC_SERVICES (comma-separated, `none` for none), default all. */
export function selectedServices(value = process.env.SKC_SERVICES): ServiceName[] {
  if (value === undefined || value.trim() === '' || value.trim() === 'all') return [...SERVICE_NAMES];
  if (value.trim() === 'none') return [];
  const names = value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((name) => !(SERVICE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`SKC_SERVICES: unknown service(s) ${unknown.join(', ')}; known: ${SERVICE_NAMES.join(', ')}, none`);
  }
  return SERVICE_NAMES.filter((name) => names.includes(name));
}

/** Runs scripts/setup.mjs (idempotent) when a file the chosen services need is missing, e.g. under a bare `jest`. */
export function ensureArtifacts(names: readonly ServiceName[]): void {
  const paths = servicePaths();
  const needed: Record<ServiceName, string[]> = {
    kafka: [paths.kafkaClasspathFile],
    dynamodb: [paths.dynamodbClasspathFile, paths.dynamodbNativeDir],
    moto: [paths.motoServer],
  };
  if (names.flatMap((name) => needed[name]).every((file) => existsSync(file))) return;
  const result = spawnSync(process.execPath, [paths.setupScript], { cwd: paths.root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`node scripts/setup.mjs failed (exit ${result.status})`);
}

const STARTERS: Record<ServiceName, () => Promise<RunningService>> = {
  kafka: startKafka,
  dynamodb: startDynamoDbLocal,
  moto: startMoto,
};

export interface ServiceStack {
  readonly services: readonly RunningService[];
  /** Endpoint variables and the AWS test variables. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * Starts the named services in parallel and prints one line per service. If one fails, the others are stopped
 * and the error (with the tail of the failing service's log) is thrown.
 */
export async function startServices(
  names: readonly ServiceName[],
  log: (line: string) => void = (line) => console.log(`[services] ${line}`),
): Promise<ServiceStack> {
  ensureArtifacts(names);
  const results = await Promise.allSettled(
    names.map(async (name) => {
      const service = await STARTERS[name]();
      const note = service.note ? ` (${service.note})` : '';
      log(`${service.label} ready at ${service.endpoint} in ${seconds(service.readyMs)}${note}`);
      return service;
    }),
  );
  const services = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`${names[i]}: ${String(r.reason)}`] : []));
  if (failures.length > 0) {
    await Promise.allSettled(services.map((service) => service.stop()));
    throw new Error(`test services failed to start:\n${failures.join('\n')}`);
  }
  const env: Record<string, string> = {
    ...AWS_TEST_ENV,
    SKC_SERVICES_RUNNING: services.map((service) => service.name).join(','),
  };
  for (const service of services) Object.assign(env, service.env);
  return {
    services,
    env,
    async stop() {
      const started = Date.now();
      const stopped = await Promise.allSettled(services.map((service) => service.stop()));
      const errors = stopped.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
      if (errors.length > 0) throw new Error(`stopping test services failed:\n${errors.join('\n')}`);
      if (services.length > 0)
        log(`stopped ${services.map((s) => s.name).join(', ')} in ${seconds(Date.now() - started)}`);
    },
  };
}
