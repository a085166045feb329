/** Small admin helpers on top of the client factory: topics, and waiting for a broker to answer. */
import { ConfigResourceTypes } from 'kafkajs';
import type { Admin, Kafka } from 'kafkajs';
import type { WorkerTopicAdminPort } from '../../storage/kafka-ports';
import { createKafka } from './client';
import type { KafkaClientOptions } from './client';

/** Runs `fn` with a connected admin client and always disconnects it. */
export async function withAdmin<T>(kafka: Kafka, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export interface EnsureTopicOptions {
  /** Default 1. */
  partitions?: number;
  /** Default -1: the broker's `default.replication.factor`. */
  replicationFactor?: number;
  /** Topic configs such as `{ 'cleanup.policy': 'compact' }`. */
  configEntries?: Readonly<Record<string, string>>;
}

/**
 * Creates `topic` unless it exists and waits for its partition leaders. Resolves to true when this call created
 * it. An existing topic is left as it is (its partition count and configs are not compared).
 */
export async function ensureTopic(kafka: Kafka, topic: string, options: EnsureTopicOptions = {}): Promise<boolean> {
  return withAdmin(kafka, async (admin) => {
    const existing = await admin.listTopics();
    if (existing.includes(topic)) return false;
    const configEntries = Object.entries(options.configEntries ?? {}).map(([name, value]) => ({ name, value }));
    try {
      const created = await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions: options.partitions ?? 1,
            replicationFactor: options.replicationFactor ?? -1,
            configEntries,
          },
        ],
      });
      if (created) await waitForPartitionLeaders(admin, topic, options.partitions ?? 1);
      return created;
    } catch (error) {
      // Lost a race with another creator (or auto-creation): the topic exists, which is all we asked for.
      if ((error as { type?: unknown }).type === 'TOPIC_ALREADY_EXISTS') return false;
      const nested = (error as { errors?: { type?: unknown }[] }).errors;
      if (Array.isArray(nested) && nested.every((e) => e.type === 'TOPIC_ALREADY_EXISTS')) return false;
      throw error;
    }
  });
}

/**
 * kafkajs's `waitForLeaders` settles on the first metadata answer naming leaders; a broker can still answer
 * UNKNOWN_TOPIC_OR_PARTITION to the next request for a just-created topic (KRaft metadata propagates to the
 * request handlers asynchronously). Wait until a fresh metadata request shows every partition led, so the
 * caller's next produce, fetch or offset commit does not fail on it. Bounded: a topic that exists is enough.
 */
async function waitForPartitionLeaders(admin: Admin, topic: string, partitions: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 20; Date.now() < deadline; delay = Math.min(delay * 2, 500)) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const led = topics[0]?.partitions.filter((p) => p.leader >= 0).length ?? 0;
      if (led >= partitions) return;
    } catch {
      // not visible yet: ask again
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/**
 * The value of one topic config, or undefined when the broker does not say, describing configs is not allowed or
 * the broker is too old (Apache logs a warning and goes on then).
 */
export async function topicConfig(admin: Admin, topic: string, name: string): Promise<string | undefined> {
  try {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [name] }],
    });
    return described.resources[0]?.configEntries.find((e) => e.configName === name)?.configValue;
  } catch (error) {
    const type = String((error as { type?: unknown }).type ?? '');
    if (type.includes('AUTHORIZATION') || type === 'UNSUPPORTED_VERSION') return undefined;
    throw error;
  }
}

/** WorkerTopicAdminPort on a kafkajs client: each call opens and closes its own admin connection. */
export const kafkajsTopicAdmin = (kafka: Kafka): WorkerTopicAdminPort => ({
  ensureTopic: (topic, settings) =>
    ensureTopic(kafka, topic, {
      partitions: settings.partitions,
      replicationFactor: settings.replicationFactor,
      ...(settings.configs ? { configEntries: settings.configs } : {}),
    }),
  topicConfig: (topic, name) => withAdmin(kafka, (admin) => topicConfig(admin, topic, name)),
  close: async () => undefined,
});

export interface ClusterInfo {
  clusterId: string;
  controller: number | null;
  brokers: { nodeId: number; host: string; port: number }[];
}

export interface WaitForKafkaOptions {
  /** Give up after this long; default 60 s. */
  timeoutMs?: number;
  /** Pause between attempts; default 100 ms. */
  intervalMs?: number;
  /** Checked between attempts; a string aborts the wait with that reason (e.g. "the broker process exited"). */
  abortReason?: () => string | undefined;
}

/**
 * Waits until the cluster answers a real metadata request (DescribeCluster through the admin client), polling
 * with a deadline. Resolves to the cluster's description.
 */
export async function waitForKafka(
  connection: Pick<KafkaClientOptions, 'bootstrapServers' | 'ssl' | 'sasl'>,
  options: WaitForKafkaOptions = {},
): Promise<ClusterInfo> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  const kafka = createKafka({
    ...connection,
    clientId: 'skc-readiness-probe',
    logLevel: 'nothing',
    connectionTimeoutMs: 1_000,
    requestTimeoutMs: 5_000,
    retry: { retries: 0 },
  });
  let lastError: unknown;
  for (;;) {
    const reason = options.abortReason?.();
    if (reason !== undefined) throw new Error(`Kafka did not become ready: ${reason}`, { cause: lastError });
    try {
      return await withAdmin(kafka, async (admin) => {
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0) throw new Error('no broker registered yet');
        return { clusterId: cluster.clusterId, controller: cluster.controller, brokers: cluster.brokers };
      });
    } catch (error) {
      lastError = error;
    }
    if (Date.now() + intervalMs > deadline) {
      const detail = lastError instanceof Error ? lastError.message : String(lastError);
      throw new Error(`Kafka at ${String(connection.bootstrapServers)} not ready after ${timeoutMs} ms: ${detail}`, {
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Waits until a new cluster's coordinators serve requests: the group coordinator (its first use creates and loads
 * `__consumer_offsets`) and producer-id allocation (idempotent producers). Without this the first consumer group
 * of a fresh broker crashes and restarts once on COORDINATOR_LOAD_IN_PROGRESS, and logs about it.
 */
export async function waitForCoordinators(
  connection: Pick<KafkaClientOptions, 'bootstrapServers' | 'ssl' | 'sasl'>,
  options: WaitForKafkaOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  // kafkajs needs its own retries here: coordinator look-ups refresh metadata between attempts, and an
  // idempotent producer refuses `retries: 0`.
  const kafka = createKafka({
    ...connection,
    clientId: 'skc-readiness-probe',
    logLevel: 'nothing',
    connectionTimeoutMs: 1_000,
    requestTimeoutMs: 5_000,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
  const groupReady = async () =>
    withAdmin(kafka, async (admin) => {
      const { groups } = await admin.describeGroups(['skc-readiness-probe']);
      // kafkajs' GroupDescription type omits the per-group error code that the response carries.
      const errorCode = (groups[0] as { errorCode?: number } | undefined)?.errorCode;
      if (errorCode !== 0) throw new Error(`DescribeGroups error code ${errorCode}`);
    });
  const producerIdReady = async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    try {
      await producer.connect(); // an idempotent producer asks for its producer id when it connects
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  };
  let lastError: unknown;
  for (const probe of [groupReady, producerIdReady]) {
    for (;;) {
      const reason = options.abortReason?.();
      if (reason !== undefined) throw new Error(`Kafka coordinators not ready: ${reason}`, { cause: lastError });
      try {
        await probe();
        break;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() + intervalMs > deadline) {
        const detail = lastError instanceof Error ? lastError.message : String(lastError);
        throw new Error(`Kafka coordinators not ready after ${timeoutMs} ms: ${detail}`, { cause: lastError });
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/**
 * The readiness probes of a broker we start ourselves (lib/adapters/local/kafka-broker's `readiness` option):
 * metadata first, then the coordinators.
 */
export const kafkaBrokerReadiness = {
  ready: (bootstrapServers: string, options: WaitForKafkaOptions): Promise<ClusterInfo> =>
    waitForKafka({ bootstrapServers }, options),
  warm: (bootstrapServers: string, options: WaitForKafkaOptions): Promise<void> =>
    waitForCoordinators({ bootstrapServers }, options),
};
