/**
 * Helpers for tests that talk to the test services started by Jest's global setup (see docs/testing.md).
 * Each getter throws a clear error when its service was not started (SKC_SERVICES chose a subset).
 */
import { randomBytes } from 'node:crypto';
import type { ServiceName } from './service';

export { staysTrue, waitFor } from './wait';
export type { WaitForOptions } from './wait';

/** Dummy values: the emulators accept any, and real AWS would reject them. */
export const TEST_REGION = 'us-east-1';
export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** Client config for an AWS SDK v3 client pointed at an emulator. */
export interface EmulatorClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

function required(variable: string, service: ServiceName): string {
  const value = process.env[variable];
  if (!value) {
    throw new Error(
      `${variable} is not set: the ${service} test service is not running ` +
        `(SKC_SERVICES=${process.env.SKC_SERVICES ?? ''}; run the tests with \`npm test\`)`,
    );
  }
  return value;
}

/** Services the global setup started. */
export function servicesRunning(): ServiceName[] {
  return (process.env.SKC_SERVICES_RUNNING ?? '').split(',').filter(Boolean) as ServiceName[];
}

export function hasService(name: ServiceName): boolean {
  return servicesRunning().includes(name);
}

/**
 * Declares the test services a test file needs; call it at the top level of the file, after the imports. When one
 * of them is not running, the whole file fails at once, saying which and how to run it: a test that needs a
 * service never skips itself (CI starts every service), and files that call this belong to the `integration`
 * Jest project (jest.config.js), never to `unit`.
 */
export function requireServices(...names: ServiceName[]): void {
  const missing = names.filter((name) => !hasService(name));
  if (missing.length === 0) return;
  const running = servicesRunning();
  throw new Error(
    `This test file needs the test service(s) ${missing.join(', ')}, which are not running ` +
      `(running: ${running.length > 0 ? running.join(', ') : 'none'}; SKC_SERVICES=${process.env.SKC_SERVICES ?? '(unset: all)'}). ` +
      `Run it with \`npm test -- <file>\` (starts every service) or \`SKC_SERVICES=${missing.join(',')} npm test -- <file>\`.`,
  );
}

/** `host:port` of the test broker (Apache Kafka 4.3.1). */
export function kafkaBootstrap(): string {
  return required('KAFKA_BOOTSTRAP_SERVERS', 'kafka');
}

export function dynamoClientConfig(): EmulatorClientConfig {
  return {
    endpoint: required('DYNAMODB_ENDPOINT', 'dynamodb'),
    region: TEST_REGION,
    credentials: { ...TEST_CREDENTIALS },
  };
}

/** ECS client config pointed at moto. */
export function ecsClientConfig(): EmulatorClientConfig {
  return { endpoint: required('MOTO_ENDPOINT', 'moto'), region: TEST_REGION, credentials: { ...TEST_CREDENTIALS } };
}

const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
let counter = 0;

/**
 * A name no other test (in this run, a parallel worker or an earlier run against the same service) uses, valid
 * as a Kafka topic, DynamoDB table, consumer group and connector name: `<prefix>-<run>-<pid>-<n>`.
 */
export function uniqueName(prefix = 'test'): string {
  const clean = prefix.replace(/[^A-Za-z0-9._-]/g, '-');
  counter += 1;
  return `${clean}-${runId}-${process.pid.toString(36)}-${counter}`;
}

/** A subnet and security group that exist in moto (its default VPC), for RunTask's awsvpc configuration. */
export interface MotoNetwork {
  subnets: string[];
  securityGroups: string[];
}

async function motoEc2Query(action: string): Promise<string> {
  const endpoint = required('MOTO_ENDPOINT', 'moto');
  // moto routes an unsigned request by the service named in the credential scope; it checks no signature.
  const response = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${TEST_REGION}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: `Action=${action}&Version=2016-11-15`,
  });
  if (!response.ok) throw new Error(`moto EC2 ${action}: HTTP ${response.status}`);
  return response.text();
}

/**
 * The default VPC's subnets and default security group in moto. moto's RunTask (FARGATE, awsvpc) rejects
 * subnets it does not know (InvalidSubnetID.NotFound) and needs `securityGroups`.
 */
export async function motoDefaultNetwork(): Promise<MotoNetwork> {
  const subnets = [...(await motoEc2Query('DescribeSubnets')).matchAll(/<subnetId>([^<]+)<\/subnetId>/g)].map(
    (m) => m[1] as string,
  );
  const groups = await motoEc2Query('DescribeSecurityGroups');
  const defaultGroup = /<groupId>([^<]+)<\/groupId>\s*<groupName>default<\/groupName>/.exec(groups)?.[1];
  const anyGroup = /<groupId>([^<]+)<\/groupId>/.exec(groups)?.[1];
  const group = defaultGroup ?? anyGroup;
  if (subnets.length === 0 || !group) throw new Error('moto has no default VPC subnet or security group');
  return { subnets, securityGroups: [group] };
}
