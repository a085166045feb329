/** Apache Kafka broker for tests: the production launcher (lib/adapters/local/kafka-broker.ts) on free ports. */
import { readFileSync } from 'node:fs';
import { kafkaBrokerReadiness } from '../../lib/adapters/kafka/admin';
import { startKafkaBroker } from '../../lib/adapters/local/kafka-broker';
import { servicePaths } from './paths';
import { seconds } from './service';
import type { RunningService } from './service';

export async function startKafka(): Promise<RunningService> {
  const broker = await startKafkaBroker({
    readiness: kafkaBrokerReadiness,
    classpath: readFileSync(servicePaths().kafkaClasspathFile, 'utf8').trim(),
    heap: '512m',
  });
  return {
    name: 'kafka',
    endpoint: broker.bootstrapServers,
    label: `kafka ${broker.version}`,
    readyMs: broker.readyMs,
    ...(broker.warmMs === undefined ? {} : { note: `coordinators ready in ${seconds(broker.warmMs)}` }),
    env: { KAFKA_BOOTSTRAP_SERVERS: broker.bootstrapServers },
    stop: () => broker.stop(),
  };
}
