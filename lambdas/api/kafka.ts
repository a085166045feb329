/**
 * Kafka-backed adapters of the API, loaded on demand (offsets routes and `GET /` only): one kafkajs client built
 * from the worker's admin settings (`bootstrap.servers`, `security.protocol`, `sasl.*`, `ssl.*`, `admin.*` as
 * Apache's admin client inherits them), the offsets-topic store for source offsets and the consumer-group admin
 * for sink offsets.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { createKafka, type KafkaClientOptions } from '../../lib/adapters/kafka/client';
import { KafkaGroupOffsets } from '../../lib/adapters/kafka/group-offsets';
import { mapClientConfig, type KafkaClientSettings } from '../../lib/config/client-config';
import type { OffsetStore } from '../../lib/storage/ports';

export interface KafkaAdapters {
  readonly groupOffsets: KafkaGroupOffsets;
  offsetStore(): Promise<OffsetStore>;
}

/** Apache's admin client config: un-prefixed worker keys, overridden by `admin.*` ones. */
function adminProps(worker: Readonly<Record<string, string>>): Record<string, string> {
  const props: Record<string, string> = {};
  for (const [key, value] of Object.entries(worker)) {
    if (!/^(producer|consumer|admin)\./.test(key)) props[key] = value;
  }
  for (const [key, value] of Object.entries(worker)) if (key.startsWith('admin.')) props[key.slice(6)] = value;
  return props;
}

const tlsOptions = (ssl: KafkaClientSettings['ssl']): boolean | ConnectionOptions | undefined => {
  if (ssl === undefined || typeof ssl === 'boolean') return ssl;
  const options: ConnectionOptions = {};
  const ca = [ssl.ca, ssl.caFile ? readFileSync(ssl.caFile, 'utf8') : undefined].filter((x) => x !== undefined);
  if (ca.length > 0) options.ca = ca;
  if (ssl.cert !== undefined) options.cert = ssl.cert;
  if (ssl.key !== undefined) options.key = ssl.key;
  if (ssl.keyStoreFile !== undefined) options.key = options.cert = readFileSync(ssl.keyStoreFile, 'utf8');
  if (ssl.passphrase !== undefined) options.passphrase = ssl.passphrase;
  if (!ssl.checkHostname) options.checkServerIdentity = () => undefined;
  return options;
};

export async function connectKafka(
  bootstrapServers: string,
  worker: Readonly<Record<string, string>>,
  closers: (() => Promise<void>)[],
): Promise<KafkaAdapters> {
  const { client } = mapClientConfig(
    'admin',
    { ...adminProps(worker), 'bootstrap.servers': bootstrapServers },
    { warnUnknown: false },
  );
  const ssl = tlsOptions(client.ssl);
  const sasl = client.sasl;
  if (sasl && !['plain', 'scram-sha-256', 'scram-sha-512'].includes(sasl.mechanism)) {
    throw new Error(`SASL mechanism '${sasl.mechanism}' is not supported by the API's Kafka client`);
  }
  const options: KafkaClientOptions = { bootstrapServers, clientId: client.clientId ?? 'skc-api' };
  if (ssl !== undefined) options.ssl = ssl;
  if (sasl) {
    const { mechanism, username = '', password = '' } = sasl;
    options.sasl = { mechanism, username, password } as NonNullable<KafkaClientOptions['sasl']>;
  }
  const kafka = createKafka(options);
  const groupOffsets = new KafkaGroupOffsets(kafka);
  closers.push(() => groupOffsets.close());
  let store: Promise<OffsetStore> | undefined;
  return {
    groupOffsets,
    offsetStore: () =>
      (store ??= (async () => {
        const { KafkaOffsetStore } = await import('../../lib/adapters/kafka/offsets-topic-store');
        const partitions = worker['offset.storage.partitions'];
        const replicationFactor = worker['offset.storage.replication.factor'];
        const offsets = new KafkaOffsetStore({
          kafka,
          topic: worker['offset.storage.topic'] ?? 'connect-offsets',
          ...(partitions ? { partitions: Number(partitions) } : {}),
          ...(replicationFactor ? { replicationFactor: Number(replicationFactor) } : {}),
        });
        await offsets.start();
        closers.push(() => offsets.stop());
        return offsets as OffsetStore;
      })()),
  };
}
