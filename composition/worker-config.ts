/**
 * The distributed-worker properties every process of one deployment shares: SKC_WORKER_CONFIG (the keys of an
 * Apache `connect-distributed.properties`) over the security keys of SKC_KAFKA_AUTH, plus `bootstrap.servers` from
 * SKC_BOOTSTRAP_SERVERS. Keys Apache
 * requires but this architecture does not use (group and internal topics) get Apache's example values, and the
 * converters default to JsonConverter as in Apache's example file.
 */
import type { WorkerConfig } from '../lib/config/worker-config';
import { parseWorkerConfig } from '../lib/config/worker-config';
import type { CommonEnv } from './env';

export const DISTRIBUTED_DEFAULTS: Readonly<Record<string, string>> = {
  'group.id': 'connect-cluster',
  'offset.storage.topic': 'connect-offsets',
  'config.storage.topic': 'connect-configs',
  'status.storage.topic': 'connect-status',
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
};

/** `auth`: the properties of SKC_KAFKA_AUTH (./kafka-auth); explicit SKC_WORKER_CONFIG keys win over them. */
export function workerProperties(env: CommonEnv, auth: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    ...DISTRIBUTED_DEFAULTS,
    ...auth,
    ...env.SKC_WORKER_CONFIG,
    ...(env.SKC_BOOTSTRAP_SERVERS ? { 'bootstrap.servers': env.SKC_BOOTSTRAP_SERVERS } : {}),
  };
}

export const distributedWorkerConfig = (env: CommonEnv, auth: Readonly<Record<string, string>> = {}): WorkerConfig =>
  parseWorkerConfig(workerProperties(env, auth), 'distributed');
